import { scrubSecretsDeep, terminalText } from "../pe";
import type { Props } from "./host";
import { JobFailedError } from "./job-failed-error";
import type { ResourceOperations } from "./resource-operations";

/**
 * A resource type's operations as the faces serve them: whatever they say to a person (an error, a check
 * failure) is terminal-safe and holds no token, and no output they record holds a token. Server text reaches
 * errors through many messages; doing it here, where every operation leaves the core, means a new message
 * cannot forget. (Messages logged on a row are made safe where they leave: engine/engine-log.)
 *
 * Outputs keep the server's values exactly (they are data, control characters and all) but for tokens, which
 * never reach state in the clear. Inputs are the user's own and are kept as they are.
 */
export function safeOperations(operations: ResourceOperations): ResourceOperations {
  return {
    async check(urn, olds, news) {
      const result = await operations.check(urn, olds, news).catch(rethrowSafe);
      const failures = result.failures.map((f) => ({ ...f, reason: terminalText(f.reason) }));
      return { ...result, failures };
    },
    diff: (urn, id, olds, news) => operations.diff(urn, id, olds, news).catch(rethrowSafe),
    async create(urn, props) {
      const { id, outs } = await operations.create(urn, props).catch(rethrowSafeWith(props));
      return { id, outs: scrubOutputs(outs, props) };
    },
    async read(urn, id, props) {
      const read = await operations.read(urn, id, props).catch(rethrowSafeWith(props));
      return { ...read, props: scrubOutputs(read.props, props) };
    },
    async adopt(urn, id) {
      const adopted = await operations.adopt(urn, id).catch(rethrowSafe);
      return { ...adopted, props: scrubSecretsDeep(adopted.props), inputs: scrubSecretsDeep(adopted.inputs) };
    },
    async update(urn, id, olds, news) {
      const { outs } = await operations.update(urn, id, olds, news).catch(rethrowSafeWith(news));
      return { outs: scrubOutputs(outs, news) };
    },
    delete: (urn, id, props) => operations.delete(urn, id, props).catch(rethrowSafe),
  };
}

/** The outputs with tokens scrubbed from every key the inputs do not hold (a connection's token stays). */
function scrubOutputs(outs: Props, inputs: Props): Props {
  const result: Props = {};
  for (const [key, value] of Object.entries(outs))
    result[key] = key in inputs && inputs[key] === value ? value : scrubSecretsDeep(value);
  return result;
}

/** Rethrows `error` with its message (and the stack the faces print) made terminal-safe. */
function rethrowSafe(error: unknown): never {
  return throwSafe(error, {});
}

/** {@link rethrowSafe} for operations whose failure records the resource (a failed job): scrubbed as outputs. */
function rethrowSafeWith(inputs: Props): (error: unknown) => never {
  return (error) => throwSafe(error, inputs);
}

function throwSafe(error: unknown, inputs: Props): never {
  if (!(error instanceof Error)) throw new Error(terminalText(String(error)));
  if (error instanceof JobFailedError) {
    const safe = new JobFailedError(
      terminalText(error.message),
      error.id,
      scrubOutputs(error.properties, inputs),
    );
    safe.stack = terminalText(error.stack ?? "");
    throw safe;
  }
  error.message = terminalText(error.message);
  if (error.stack) error.stack = terminalText(error.stack);
  throw error;
}
