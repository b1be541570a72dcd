/**
 * A FAKE of the platform's Durable Object namespace binding, for tests only;
 * nothing in the sidecar imports it. It hands out stubs of the REAL objects
 * (every name is prefixed with `prefix`, so a test gets its own instance), but
 * the answers of the first `lose` calls of `method` are lost: the call runs on
 * the real object, then the caller gets what the runtime throws when an object
 * is reset or the connection drops mid-call (an Error marked `retryable`).
 */
export interface LostAnswerNamespace<T extends Rpc.DurableObjectBranded | undefined> {
  namespace: DurableObjectNamespace<T>;
  /** Calls of `method` made so far, answered or not. */
  readonly calls: number;
}

export function loseAnswers<T extends Rpc.DurableObjectBranded | undefined>(
  real: DurableObjectNamespace<T>,
  { method, lose, prefix }: { method: string; lose: number; prefix: string },
): LostAnswerNamespace<T> {
  let calls = 0;
  const stubOf = (stub: DurableObjectStub<T>) =>
    new Proxy(stub, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== method || typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          calls += 1;
          const answer: unknown = await Reflect.apply(value, target, args);
          if (calls <= lose) throw Object.assign(new Error("Network connection lost."), { retryable: true });
          return answer;
        };
      },
    });
  const namespace = new Proxy(real, {
    get(target, property) {
      if (property === "idFromName") return (name: string) => target.idFromName(`${prefix}${name}`);
      if (property === "get") return (id: DurableObjectId) => stubOf(target.get(id));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    namespace,
    get calls() {
      return calls;
    },
  };
}
