import { readFile, stat } from "node:fs/promises";
import { ConnectionSettingsError } from "../http/errors";
import { rememberSecret } from "../http/untrusted-text";

/** Where the token comes from. Read lazily; `reload()` re-reads it after a 401 token-expired. */
export interface TokenSource {
  /** the setting it came from, e.g. `pe:token` or `PE_TOKEN_FILE (/home/me/.puppetlabs/token)` */
  readonly origin: string;
  /** the token file, when the token comes from one */
  readonly file?: string;
  get(): Promise<string>;
  /** re-reads the source; resolves true when it now holds a different token */
  reload(): Promise<boolean>;
  /** a warning about the source, known once it was read (a token file others can read) */
  warning?(): string | undefined;
}

const LOGIN_HINT = 'run "puppet-access login" or set pe:token';

/** A token given as a value: nothing to re-read. */
export function staticTokenSource(token: string, origin: string): TokenSource {
  const value = checkToken(token, origin, origin);
  return { origin, get: async () => value, reload: async () => false };
}

export function fileTokenSource(file: string, origin: string): TokenSource {
  let current: Promise<string> | undefined;
  let warning: string | undefined;
  const read = async () => {
    warning = await permissionWarning(file);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "error"})`;
      throw new ConnectionSettingsError(`token file ${file} (from ${origin}) ${why}: ${LOGIN_HINT}`, origin);
    }
    return checkToken(text, `token file ${file} (from ${origin})`, origin);
  };
  return {
    origin,
    file,
    warning: () => warning,
    get() {
      current ??= read();
      // a failed read is not cached: the user may run puppet-access login meanwhile
      current.catch(() => {
        current = undefined;
      });
      return current;
    },
    async reload() {
      const before = current ? await current.catch(() => undefined) : undefined;
      current = read();
      return (await current) !== before;
    },
  };
}

/**
 * A token file that group or others may read is a credential any local user can take (it runs code as root on
 * every node): say so, as ssh does for keys. Only a warning: secrets mounted by CI systems and Kubernetes are
 * often 0644 inside a private container, and refusing them would break those setups.
 */
async function permissionWarning(file: string): Promise<string | undefined> {
  if (process.platform === "win32") return undefined;
  const mode = await stat(file).then(
    (s) => s.mode,
    () => undefined,
  );
  if (mode === undefined || (mode & 0o077) === 0) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(3, "0");
  return `token file ${file} can be read by other users (mode ${octal}): run chmod 600 ${file} (puppet-access writes it so)`;
}

/** `where` describes the token for messages; `setting` names the setting to fix. */
function checkToken(raw: string, where: string, setting: string): string {
  const token = raw.trim();
  if (!token) throw new ConnectionSettingsError(`${where} is empty: ${LOGIN_HINT}`, setting);
  // a header value with spaces or control characters would be rejected, or worse, split
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ConnectionSettingsError(`${where} contains characters a PE token cannot have`, setting);
  }
  rememberSecret(token);
  return token;
}
