/** Every center's id, the first ("main") first: for the weekly jobs that visit each center's objects. One read of a small table. */
export async function allCenterIds(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM centers ORDER BY created_at, id").all<{ id: string }>();
  return results.map((row) => row.id);
}
