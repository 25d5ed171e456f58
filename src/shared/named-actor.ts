/**
 * Durable Object ids by namespace and name, each derived once per isolate: `idFromName`
 * hashes the name, and the Worker names an actor on every request.
 */
const ids = new WeakMap<object, Map<string, DurableObjectId>>()

/**
 * A fresh stub for the actor named `name` in `ns` (a stub can break after an error, so
 * stubs are not kept); only its id is cached.
 */
export function namedStub<T extends Rpc.DurableObjectBranded | undefined>(
  ns: DurableObjectNamespace<T>,
  name: string,
): DurableObjectStub<T> {
  let byName = ids.get(ns)
  if (!byName) {
    byName = new Map()
    ids.set(ns, byName)
  }
  let id = byName.get(name)
  if (!id) {
    id = ns.idFromName(name)
    byName.set(name, id)
  }
  return ns.get(id)
}
