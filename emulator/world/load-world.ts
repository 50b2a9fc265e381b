import * as fs from "node:fs";
import * as YAML from "yaml";
import { formatZodError } from "./format-zod-error";
import { type World, type WorldInput, WorldSchema } from "./world-schema";

/** Validates a world given as an object or a YAML/JSON file path; errors name the file and the bad path. */
export function loadWorld(source: WorldInput | World | string): World {
  let raw: unknown = source;
  const origin = typeof source === "string" ? `world file ${source}` : "world";
  if (typeof source === "string") {
    const text = fs.readFileSync(source, "utf8");
    try {
      raw = source.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
    } catch (err) {
      throw new Error(`${origin}: cannot parse: ${(err as Error).message}`);
    }
  }
  const parsed = WorldSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${origin}: ${formatZodError(parsed.error)}`);
  const world = parsed.data;
  const problems = crossCheck(world);
  if (problems.length > 0) throw new Error(`${origin}: ${problems.join("; ")}`);
  return world;
}

/** References between sections must resolve: a typo there would otherwise show up as a puzzling 404. */
function crossCheck(world: World): string[] {
  const envs = new Set(world.environments.map((e) => e.name));
  const problems: string[] = [];
  const unique = (what: string, names: string[]) => {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (seen.has(n)) problems.push(`${what}[${i}]: duplicate ${n}`);
      seen.add(n);
    });
  };
  unique(
    "nodes",
    world.nodes.map((n) => n.certname),
  );
  unique(
    "nodeGroups",
    world.nodeGroups.map((g) => g.id),
  );
  unique(
    "plans",
    world.plans.map((p) => p.name),
  );
  unique(
    "tasks",
    world.tasks.map((t) => t.name),
  );
  unique(
    "users",
    world.users.map((u) => u.login),
  );
  unique(
    "tokens",
    world.users.flatMap((u) => u.tokens.map((t) => t.token)),
  );
  const checkEnvs = (what: string, list: string[]) => {
    list.forEach((e, i) => {
      if (!envs.has(e)) problems.push(`${what}[${i}]: unknown environment ${e}`);
    });
  };
  const tasks = new Set(world.tasks.map((t) => t.name));
  world.plans.forEach((p, i) => {
    checkEnvs(`plans[${i}].environments`, p.environments);
    p.steps.forEach((step, j) => {
      // A run_task step names a task of the world (a "{{params.x}}" placeholder is resolved at run time).
      if (step.action === "run_task" && !step.object.includes("{{") && !tasks.has(step.object))
        problems.push(`plans[${i}].steps[${j}].object: unknown task ${step.object}`);
    });
  });
  world.tasks.forEach((t, i) => {
    checkEnvs(`tasks[${i}].environments`, t.environments);
  });
  world.nodes.forEach((n, i) => {
    for (const env of Object.keys(n.runs)) {
      if (!envs.has(env)) problems.push(`nodes[${i}].runs.${env}: unknown environment ${env}`);
    }
  });
  world.faults.rules.forEach((r, i) => {
    try {
      new RegExp(r.path);
    } catch {
      problems.push(`faults.rules[${i}].path: invalid regular expression`);
    }
  });
  return problems;
}
