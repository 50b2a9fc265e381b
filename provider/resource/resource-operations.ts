import { ConnectionSettingsError, type ConnectionSettings } from "../pe";
import type { Props } from "./host";

/** A property `check` refuses, and why. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * A resource type's operations, in the engine's terms but tied to no engine face: each takes the resource's URN
 * and its properties as the engine holds them, and returns what the engine records. A face translates to and
 * from its own protocol (the dynamic provider's, the plugin's).
 */
export interface ResourceOperations {
  check(
    urn: string | undefined,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(
    urn: string | undefined,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(urn: string | undefined, props: Props): Promise<{ id: string; outs: Props }>;
  read(urn: string | undefined, id: string, props: Props): Promise<{ id: string; props: Props }>;
  /** `pulumi import`: the resource an existing job (or deploy) is, and the inputs a program would declare. */
  adopt(urn: string | undefined, id: string): Promise<{ id: string; props: Props; inputs: Props }>;
  update(urn: string | undefined, id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(urn: string | undefined, id: string, props: Props): Promise<void>;
}

/** Time the record read after a Cancel may take: the engine waits on this operation. */
export const CANCEL_READ_MS = 800;

/** `work`'s value, or undefined if it takes longer than `ms`. */
export function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void work.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/**
 * Resolves the connection settings and reads the token, so that a wrong URL, CA or token file fails `preview`
 * naming the setting to fix, before any request.
 */
export async function checkConnection(
  inputs: Props,
  resolve: (inputs: Props) => ConnectionSettings,
): Promise<CheckFailure | undefined> {
  try {
    await resolve(inputs).token.get();
    return undefined;
  } catch (error) {
    if (!(error instanceof ConnectionSettingsError)) throw error;
    // `setting` may carry where it came from ("connection.tokenFile (/path)"): the property is the first word.
    const setting = error.setting?.split(" ")[0];
    const property = setting?.startsWith("connection.") ? setting : "connection";
    return { property, reason: `${error.message} (set it in the resource's connection or in pe:* config)` };
  }
}
