import type { IncomingMessage } from "node:http";
import { matchesAny } from "../world/glob";
import type { World, WorldUser } from "../world/world-schema";
import { ApiError } from "./api-error";

/** An authenticated caller. */
export interface Caller {
  user: WorldUser;
  /** The RBAC subject object PE stores as a job's `owner`. */
  owner: Record<string, unknown>;
}

const ADMIN_ID = "42bf351c-f9ec-40af-84ad-e976fec7f4bd";
const rbac = (kind: string, msg: string) => new ApiError(401, `puppetlabs.rbac/${kind}`, msg);

/** The RBAC token middleware: header first, then `?token=`; every bad-token case is a 401. */
export class Auth {
  private readonly tokens = new Map<string, { user: WorldUser; expiresAt?: number }>();
  private readonly users = new Map<string, WorldUser>();

  constructor(world: World, adminToken: string) {
    const admin: WorldUser = {
      login: "admin",
      id: ADMIN_ID,
      display_name: "Administrator",
      email: "admin@example.com",
      tokens: [{ token: adminToken }],
      permissions: {
        superuser: true,
        deploy: [],
        plans: [],
        tasks: [],
        nodes: [],
        viewNodeData: true,
        viewNodeGroups: true,
        codeDeploy: [],
      },
    };
    for (const user of [admin, ...world.users]) {
      this.users.set(user.login, user);
      for (const t of user.tokens) {
        this.tokens.set(t.token, { user, expiresAt: t.expiresAt ? Date.parse(t.expiresAt) : undefined });
      }
    }
  }

  /** The caller a user's login stands for (a scheduled job's runs start as its owner); undefined: no such user. */
  callerFor(login: string): Caller | undefined {
    const user = this.users.get(login);
    return user && { user, owner: ownerOf(user) };
  }

  expireToken(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) entry.expiresAt = Date.now();
  }

  authenticate(req: IncomingMessage, query: URLSearchParams): Caller {
    const header = req.headers["x-authentication"];
    const token = (Array.isArray(header) ? header[0] : header) || query.get("token");
    if (!token) throw rbac("user-unauthenticated", "Route requires authentication");
    const entry = this.tokens.get(token.trim());
    if (!entry)
      throw rbac("invalid-token", "The provided token was either tampered with or could not be parsed.");
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now())
      throw rbac("token-expired", "The provided token has expired.");
    return { user: entry.user, owner: ownerOf(entry.user) };
  }
}

function ownerOf(user: WorldUser): Record<string, unknown> {
  return {
    email: user.email,
    is_revoked: false,
    last_login: new Date().toISOString(),
    is_remote: false,
    login: user.login,
    is_superuser: user.permissions.superuser,
    id: user.id ?? "00000000-0000-4000-8000-0000000000ff",
    role_ids: user.permissions.superuser ? [1] : [],
    is_group: false,
    display_name: user.display_name ?? user.login,
    group_ids: [],
    inherited_role_ids: [],
  };
}

/** Permission checks; a superuser may do anything. */
export function may(
  user: WorldUser,
  what: "deploy" | "plans" | "tasks" | "nodes" | "codeDeploy",
  name: string,
): boolean {
  return user.permissions.superuser || matchesAny(user.permissions[what], name);
}

/** Read permissions of other PE services (PuppetDB, the classifier); a superuser has them all. */
export function mayView(user: WorldUser, what: "viewNodeData" | "viewNodeGroups"): boolean {
  return user.permissions.superuser || user.permissions[what];
}
