import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import type { World } from "../world/world-schema";

/**
 * The control repository Code Manager deploys from: branch name = environment name. Branches come from the
 * world (movable at run time with `setBranch`) or, with `controlRepo.git`, from a real git repository read at
 * every call, so a `git commit` there moves the branch the next deploy sees.
 */
export class ControlRepo {
  private readonly branches: Map<string, string>;
  private readonly gitDir?: string;

  constructor(world: World) {
    const repo = world.controlRepo;
    this.gitDir = repo?.git;
    // Without a control repo in the world, every environment is a branch at a commit derived from its name.
    const initial = repo
      ? Object.entries(repo.branches)
      : world.environments.map((e) => [e.name, createHash("sha1").update(e.name).digest("hex")] as const);
    this.branches = new Map(initial);
  }

  /** The commit a branch points at now; undefined when the repository has no such branch. */
  head(branch: string): string | undefined {
    if (this.gitDir) {
      try {
        return this.git(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`]).trim();
      } catch {
        return undefined;
      }
    }
    return this.branches.get(branch);
  }

  /** Every branch, sorted: what `deploy-all` deploys. */
  names(): string[] {
    if (this.gitDir) {
      return this.git(["for-each-ref", "--format=%(refname:short)", "refs/heads"])
        .split("\n")
        .filter(Boolean)
        .sort();
    }
    return [...this.branches.keys()].sort();
  }

  /** Moves (or creates) a branch; with a git repository, commit there instead. */
  setBranch(branch: string, sha: string): void {
    if (this.gitDir) throw new Error("the control repo is a git repository: move its branches with git");
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`not a commit SHA: ${sha}`);
    this.branches.set(branch, sha);
  }

  private git(args: string[]): string {
    return execFileSync("git", ["-C", this.gitDir as string, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  }
}
