// Read-only looks into the session for tools that observe it (the lesson checks): no SQL runs.

extension Session {
    /// The object for `entity` with primary key `id` if the identity map holds it; never queries.
    public func loadedObject(_ entity: String, id: Int64) -> ManagedObject? {
        infos[entity]?.identityMap[id]
    }
}
