/**
 * RocketMQ ACL permissions (`Permission`, `PlainAccessValidator.parse`):
 * bit values, parsing `DENY` / `PUB` / `SUB` / `PUB|SUB`, the check rule,
 * the admin-only request codes, and which resources each request code needs.
 * Groups are checked as their retry topic `%RETRY%<group>`, as Java does.
 *
 * Runs on: any
 * @module
 */

/** Permission bits (Java values). */
export const Permission = { DENY: 1, ANY: 2, PUB: 4, SUB: 8 } as const;

/** Request codes only admin accounts may send. */
export const ADMIN_REQUEST_CODES: ReadonlySet<number> = new Set([17, 25, 215, 200, 207]);

const RETRY = "%RETRY%";

/** Parses a permission word; anything unknown is DENY. */
export function parsePermission(text: string | undefined): number {
  switch ((text ?? "").trim()) {
    case "PUB":
      return Permission.PUB;
    case "SUB":
      return Permission.SUB;
    case "PUB|SUB":
    case "SUB|PUB":
      return Permission.PUB | Permission.SUB;
    default:
      return Permission.DENY;
  }
}

/** Java `Permission.checkPermission`: DENY wins, ANY needs PUB or SUB, else a shared bit. */
export function checkPermission(needed: number, owned: number): boolean {
  if ((owned & Permission.DENY) !== 0) return false;
  if ((needed & Permission.ANY) !== 0) {
    return (owned & Permission.PUB) !== 0 || (owned & Permission.SUB) !== 0;
  }
  return (needed & owned) !== 0;
}

/** The resource name a group is checked under. */
export function groupResource(group: string): string {
  return group.startsWith(RETRY) ? group : RETRY + group;
}

/** True for a group resource (a retry topic). */
export function isGroupResource(resource: string): boolean {
  return resource.startsWith(RETRY);
}

function heartbeatResources(body: Uint8Array | undefined, out: Map<string, number>): void {
  if (body === undefined || body.length === 0) return;
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return; // Not JSON: the broker's own decoder rejects it; nothing to authorize here.
  }
  const consumers = (data as { consumerDataSet?: unknown }).consumerDataSet;
  if (!Array.isArray(consumers)) return;
  for (const consumer of consumers as { groupName?: unknown; subscriptionDataSet?: unknown }[]) {
    if (typeof consumer?.groupName === "string") {
      out.set(groupResource(consumer.groupName), Permission.SUB);
    }
    if (!Array.isArray(consumer?.subscriptionDataSet)) continue;
    for (const sub of consumer.subscriptionDataSet as { topic?: unknown }[]) {
      if (typeof sub?.topic === "string") out.set(sub.topic, Permission.SUB);
    }
  }
}

/** Resources and the permission each needs for a request (empty = only signature checked). */
export function neededPermissions(
  code: number,
  fields: Record<string, string>,
  body?: Uint8Array,
): Map<string, number> {
  const out = new Map<string, number>();
  const add = (resource: string | undefined, perm: number) => {
    if (resource !== undefined) out.set(resource, perm);
  };
  const send = (topic: string | undefined, group: string | undefined) => {
    if (topic !== undefined && isGroupResource(topic)) {
      add(group === undefined ? undefined : groupResource(group), Permission.SUB);
    } else add(topic, Permission.PUB);
  };
  switch (code) {
    case 10: // SEND_MESSAGE
      send(fields["topic"], fields["producerGroup"]);
      break;
    case 310: // SEND_MESSAGE_V2
    case 320: // SEND_BATCH_MESSAGE
      send(fields["b"], fields["a"]);
      break;
    case 36: // CONSUMER_SEND_MSG_BACK
      add(fields["originTopic"], Permission.PUB);
      add(
        fields["group"] === undefined ? undefined : groupResource(fields["group"]),
        Permission.SUB,
      );
      break;
    case 11: // PULL_MESSAGE
    case 14: // QUERY_CONSUMER_OFFSET
    case 15: // UPDATE_CONSUMER_OFFSET
      add(fields["topic"], Permission.SUB);
      add(
        fields["consumerGroup"] === undefined ? undefined : groupResource(fields["consumerGroup"]),
        Permission.SUB,
      );
      break;
    case 12: // QUERY_MESSAGE
      add(fields["topic"], Permission.SUB);
      break;
    case 34: // HEART_BEAT
      heartbeatResources(body, out);
      break;
    case 35: // UNREGISTER_CLIENT
    case 38: // GET_CONSUMER_LIST_BY_GROUP
      add(
        fields["consumerGroup"] === undefined ? undefined : groupResource(fields["consumerGroup"]),
        Permission.SUB,
      );
      break;
  }
  return out;
}
