/**
 * `plain_acl.yml` in RocketMQ's format, read with a small YAML subset:
 * comments, `key: value` maps, `- item` lists (also `- key: value` maps) by
 * indentation, quoted or plain scalars. Anything else throws `ConfigError`.
 *
 * Runs on: any
 * @module
 */
import { ConfigError } from "../errors.ts";

/** One account of `plain_acl.yml`. */
export interface PlainAccessConfig {
  accessKey: string;
  secretKey: string;
  /** Per-account whitelist pattern; "" = none. */
  whiteRemoteAddress: string;
  admin: boolean;
  /** `DENY`, `PUB`, `SUB`, `PUB|SUB`; unset reads as `DENY`, as Java does. */
  defaultTopicPerm: string;
  defaultGroupPerm: string;
  /** `topic=PERM` entries. */
  topicPerms: string[];
  /** `group=PERM` entries. */
  groupPerms: string[];
}

/** The whole file. */
export interface PlainAclConfig {
  globalWhiteRemoteAddresses: string[];
  accounts: PlainAccessConfig[];
}

type Yaml = string | Yaml[] | { [key: string]: Yaml };
interface Line {
  indent: number;
  text: string;
  number: number;
}

function scalar(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.endsWith(t[0])) return t.slice(1, -1);
  return t;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const hash = raw.search(/(^|\s)#/);
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trimEnd();
    if (line.trim() === "") return;
    if (line.includes("\t")) throw new ConfigError(`Cannot parse ACL file: tab on line ${i + 1}`);
    out.push({ indent: line.length - line.trimStart().length, text: line.trim(), number: i + 1 });
  });
  return out;
}

/** Parses lines[pos..] at `indent`; returns the value and the next position. */
function block(all: Line[], pos: number, indent: number): [Yaml, number] {
  const first = all[pos];
  if (first === undefined || first.indent < indent) return ["", pos];
  if (first.text.startsWith("-")) {
    const list: Yaml[] = [];
    while (all[pos]?.indent === first.indent && all[pos]?.text.startsWith("-")) {
      const line = all[pos] as Line;
      const rest = line.text.slice(1).trim();
      const itemIndent = line.indent + (line.text.length - rest.length);
      if (/^[^"'][^:]*:(\s|$)/.test(rest)) {
        const copy = [...all];
        copy[pos] = { indent: itemIndent, text: rest, number: line.number };
        const [item, next] = mapBlock(copy, pos, itemIndent);
        list.push(item);
        pos = next;
      } else {
        list.push(scalar(rest));
        pos++;
      }
    }
    return [list, pos];
  }
  return mapBlock(all, pos, first.indent);
}

function mapBlock(all: Line[], pos: number, indent: number): [Yaml, number] {
  const map: { [key: string]: Yaml } = {};
  while (all[pos] !== undefined && (all[pos] as Line).indent === indent) {
    const line = all[pos] as Line;
    const match = /^([^:]+):(?:\s+(.*))?$/.exec(line.text);
    if (match === null || line.text.startsWith("-")) {
      throw new ConfigError(`Cannot parse ACL file: expected "key: value" on line ${line.number}`);
    }
    const key = (match[1] as string).trim();
    pos++;
    if (match[2] !== undefined && match[2].trim() !== "") {
      map[key] = scalar(match[2]);
      continue;
    }
    const next = all[pos];
    const nested = next !== undefined &&
      (next.indent > indent || (next.indent === indent && next.text.startsWith("-")));
    if (!nested) {
      map[key] = "";
      continue;
    }
    const [value, after] = block(all, pos, next.indent);
    map[key] = value;
    pos = after;
  }
  return [map, pos];
}

/** Parses YAML-subset text into strings, lists and maps. */
export function parseYamlSubset(text: string): Yaml {
  const all = lines(text);
  if (all.length === 0) return {};
  const [value, pos] = block(all, 0, 0);
  if (pos < all.length) {
    throw new ConfigError(
      `Cannot parse ACL file: unexpected indentation on line ${all[pos]?.number}`,
    );
  }
  return value;
}

function strings(value: Yaml | undefined): string[] {
  if (value === undefined || value === "") return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map((v) => typeof v === "string" ? v : "");
  throw new ConfigError("Cannot read ACL file: expected a list of strings");
}

function text(map: { [key: string]: Yaml }, key: string): string {
  const value = map[key];
  return typeof value === "string" ? value : "";
}

/** Parses `plain_acl.yml` text. */
export function parsePlainAclConfig(source: string): PlainAclConfig {
  const root = parseYamlSubset(source);
  if (typeof root !== "object" || Array.isArray(root)) {
    throw new ConfigError("Cannot read ACL file: top level must be a map");
  }
  const accounts = root["accounts"] ?? [];
  if (!Array.isArray(accounts)) {
    throw new ConfigError("Cannot read ACL file: accounts is not a list");
  }
  return {
    globalWhiteRemoteAddresses: strings(root["globalWhiteRemoteAddresses"]),
    accounts: accounts.map((item) => {
      if (typeof item !== "object" || Array.isArray(item)) {
        throw new ConfigError("Cannot read ACL file: an account is not a map");
      }
      const accessKey = text(item, "accessKey");
      if (accessKey === "" || text(item, "secretKey") === "") {
        throw new ConfigError("Cannot read ACL file: an account lacks accessKey or secretKey");
      }
      return {
        accessKey,
        secretKey: text(item, "secretKey"),
        whiteRemoteAddress: text(item, "whiteRemoteAddress"),
        admin: text(item, "admin").toLowerCase() === "true",
        defaultTopicPerm: text(item, "defaultTopicPerm") || "DENY",
        defaultGroupPerm: text(item, "defaultGroupPerm") || "DENY",
        topicPerms: strings(item["topicPerms"]),
        groupPerms: strings(item["groupPerms"]),
      };
    }),
  };
}
