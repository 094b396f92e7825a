/**
 * One key-index file (storage.md §5): a 40-byte header, `maxHashSlotNum`
 * 4-byte slots and `maxIndexNum` 20-byte entries chained per slot. The file
 * being written keeps its slot table in memory (bounded by `maxHashSlotNum`)
 * and writes dirty slot pages on flush; finished files are read with pread.
 *
 * Runs on: shard worker
 * @module
 */
import { assert } from "../common/mod.ts";
import { readI64, writeI64 } from "./_record.ts";
import type { FileHandle, FileIO } from "./file_io.ts";

/** Header size in bytes. */
export const INDEX_HEADER_BYTES = 40;
/** Entry size in bytes. */
export const INDEX_ENTRY_BYTES = 20;
const SLOT_PAGE_BYTES = 4096;
const SLOTS_PER_PAGE = SLOT_PAGE_BYTES / 4;

/** Header fields of an index file. */
export interface IndexHeader {
  /** Store time of the first indexed record. */
  beginTimestamp: number;
  /** Store time of the last indexed record. */
  endTimestamp: number;
  /** Physical offset of the first indexed record. */
  beginPhyOffset: number;
  /** Physical offset of the last indexed record. */
  endPhyOffset: number;
  /** Slots in use. */
  hashSlotCount: number;
  /** Next entry number (starts at 1). */
  indexCount: number;
}

/** Options of `IndexFile`. */
export interface IndexFileOptions {
  /** Injected file operations. */
  io: FileIO;
  /** Hash slots. */
  maxHashSlotNum: number;
  /** Entries. */
  maxIndexNum: number;
}

/** See the module comment. */
export class IndexFile {
  readonly path: string;
  readonly #io: FileIO;
  readonly #handle: FileHandle;
  readonly #slotsCount: number;
  readonly #maxIndex: number;
  readonly header: IndexHeader;
  #slots: Int32Array | undefined;
  #dirtyPages: Uint8Array | undefined;
  #pending: Uint8Array = new Uint8Array(64 * INDEX_ENTRY_BYTES);
  #pendingView = new DataView(this.#pending.buffer);
  #pendingCount = 0;
  #pendingFirst = 0;
  #headerWritten = 0;
  #closed = false;

  /** Opens `path`, creating an empty index when it does not exist; `active` loads the slots. */
  constructor(path: string, active: boolean, options: IndexFileOptions) {
    this.path = path;
    this.#io = options.io;
    this.#slotsCount = options.maxHashSlotNum;
    this.#maxIndex = options.maxIndexNum;
    const exists = this.#io.exists(path);
    this.#handle = this.#io.open(path, { create: true });
    this.header = {
      beginTimestamp: 0,
      endTimestamp: 0,
      beginPhyOffset: 0,
      endPhyOffset: 0,
      hashSlotCount: 0,
      indexCount: 1,
    };
    if (exists) this.#readHeader();
    if (active) this.#loadSlots(exists);
  }

  /** Whether no more entries fit. */
  isFull(): boolean {
    return this.header.indexCount >= this.#maxIndex;
  }

  /** Whether nothing was indexed yet. */
  isEmpty(): boolean {
    return this.header.indexCount <= 1;
  }

  /** Adds `keyHash → physicalOffset`; the file must be active and not full. */
  put(keyHash: number, physicalOffset: number, storeTimestamp: number): void {
    const slots = this.#slots;
    assert(slots !== undefined && this.#dirtyPages !== undefined, "Index file is not active");
    assert(!this.isFull(), "Index file is full");
    const h = this.header;
    if (h.indexCount <= 1) {
      h.beginTimestamp = storeTimestamp;
      h.beginPhyOffset = physicalOffset;
    }
    const slot = keyHash % this.#slotsCount;
    const previous = slots[slot] ?? 0;
    if (previous === 0) h.hashSlotCount++;
    let timeDiff = Math.floor((storeTimestamp - h.beginTimestamp) / 1000);
    timeDiff = Math.max(0, Math.min(0x7fffffff, timeDiff));
    if (this.#pendingCount === 0) this.#pendingFirst = h.indexCount;
    if ((this.#pendingCount + 1) * INDEX_ENTRY_BYTES > this.#pending.length) this.#growPending();
    const pos = this.#pendingCount * INDEX_ENTRY_BYTES;
    const view = this.#pendingView;
    view.setInt32(pos, keyHash);
    writeI64(view, pos + 4, physicalOffset);
    view.setInt32(pos + 12, timeDiff);
    view.setInt32(pos + 16, previous);
    this.#pendingCount++;
    slots[slot] = h.indexCount;
    this.#dirtyPages[Math.floor(slot / SLOTS_PER_PAGE)] = 1;
    h.indexCount++;
    h.endTimestamp = storeTimestamp;
    h.endPhyOffset = physicalOffset;
  }

  /** Writes buffered entries (no header, no slots, no fsync). */
  writePending(): void {
    if (this.#pendingCount === 0) return;
    const bytes = this.#pending.subarray(0, this.#pendingCount * INDEX_ENTRY_BYTES);
    this.#io.write(this.#handle, bytes, this.#entryPos(this.#pendingFirst));
    this.#pendingCount = 0;
  }

  /**
   * Makes the index durable: entries and dirty slot pages first, fdatasync,
   * then the header and fdatasync again, so a durable header never claims
   * entries that are not.
   */
  flush(): void {
    const header = this.prepareFlush();
    this.#io.syncData(this.#handle);
    this.writeHeader(header);
    this.#io.syncData(this.#handle);
  }

  /**
   * First half of a flush run across threads: writes entries and dirty slot
   * pages (no sync) and returns the header that describes them.
   */
  prepareFlush(): IndexHeader {
    this.writePending();
    const slots = this.#slots;
    const dirty = this.#dirtyPages;
    if (slots !== undefined && dirty !== undefined) {
      const slotBytes = new Uint8Array(slots.buffer);
      for (let page = 0; page < dirty.length; page++) {
        if (dirty[page] === 0) continue;
        dirty[page] = 0;
        const from = page * SLOT_PAGE_BYTES;
        const to = Math.min(slotBytes.length, from + SLOT_PAGE_BYTES);
        this.#io.write(
          this.#handle,
          toBigEndian(slotBytes.subarray(from, to)),
          INDEX_HEADER_BYTES + from,
        );
      }
    }
    return { ...this.header };
  }

  /** Writes `header` (from `prepareFlush`, after its sync) unless a newer one was written. */
  writeHeader(header: IndexHeader): void {
    if (this.#closed || header.indexCount < this.#headerWritten) return;
    this.#headerWritten = header.indexCount;
    this.#writeHeader(header);
  }

  /** Drops the in-memory slot table after a final flush (the file becomes read-only). */
  deactivate(): void {
    this.flush();
    this.#slots = undefined;
    this.#dirtyPages = undefined;
  }

  /**
   * Physical offsets of entries for `keyHash` stored within [begin, end] ms,
   * newest first, appended to `out` until it holds `maxNum`.
   */
  query(
    keyHash: number,
    range: { begin: number; end: number; maxNum: number },
    out: number[],
  ): void {
    this.writePending();
    const h = this.header;
    if (h.indexCount <= 1) return;
    let entryNo = this.#slotValue(keyHash % this.#slotsCount);
    const entry = new Uint8Array(INDEX_ENTRY_BYTES);
    const view = new DataView(entry.buffer);
    for (let steps = 0; steps < this.#maxIndex && out.length < range.maxNum; steps++) {
      if (entryNo <= 0 || entryNo >= h.indexCount) break;
      if (this.#io.read(this.#handle, entry, this.#entryPos(entryNo)) < INDEX_ENTRY_BYTES) break;
      const hash = view.getInt32(0);
      const time = h.beginTimestamp + view.getInt32(12) * 1000;
      const previous = view.getInt32(16);
      if (time < range.begin) break;
      if (hash === keyHash && time <= range.end) out.push(readI64(view, 4));
      if (previous >= entryNo) break;
      entryNo = previous;
    }
  }

  /** Closes the file (flushing first when active). */
  close(): void {
    try {
      if (this.#slots !== undefined) this.flush();
    } finally {
      this.#closed = true;
      this.#io.close(this.#handle);
    }
  }

  /** Closes and deletes the file. */
  destroy(): void {
    this.#closed = true;
    this.#slots = undefined;
    this.#io.close(this.#handle);
    this.#io.remove(this.path);
  }

  #slotValue(slot: number): number {
    if (this.#slots !== undefined) return this.#slots[slot] ?? 0;
    const buf = new Uint8Array(4);
    if (this.#io.read(this.#handle, buf, INDEX_HEADER_BYTES + slot * 4) < 4) return 0;
    return new DataView(buf.buffer).getInt32(0);
  }

  #entryPos(entryNo: number): number {
    return INDEX_HEADER_BYTES + this.#slotsCount * 4 + entryNo * INDEX_ENTRY_BYTES;
  }

  #growPending(): void {
    const next = new Uint8Array(this.#pending.length * 2);
    next.set(this.#pending);
    this.#pending = next;
    this.#pendingView = new DataView(next.buffer);
  }

  #readHeader(): void {
    const buf = new Uint8Array(INDEX_HEADER_BYTES);
    if (this.#io.read(this.#handle, buf, 0) < INDEX_HEADER_BYTES) return;
    const view = new DataView(buf.buffer);
    this.header.beginTimestamp = readI64(view, 0);
    this.header.endTimestamp = readI64(view, 8);
    this.header.beginPhyOffset = readI64(view, 16);
    this.header.endPhyOffset = readI64(view, 24);
    this.header.hashSlotCount = view.getInt32(32);
    this.header.indexCount = Math.max(1, view.getInt32(36));
  }

  #writeHeader(h: IndexHeader = this.header): void {
    const buf = new Uint8Array(INDEX_HEADER_BYTES);
    const view = new DataView(buf.buffer);
    writeI64(view, 0, h.beginTimestamp);
    writeI64(view, 8, h.endTimestamp);
    writeI64(view, 16, h.beginPhyOffset);
    writeI64(view, 24, h.endPhyOffset);
    view.setInt32(32, h.hashSlotCount);
    view.setInt32(36, h.indexCount);
    this.#io.write(this.#handle, buf, 0);
  }

  #loadSlots(exists: boolean): void {
    const slots = new Int32Array(this.#slotsCount);
    this.#dirtyPages = new Uint8Array(Math.ceil(this.#slotsCount / SLOTS_PER_PAGE));
    if (exists) {
      const bytes = new Uint8Array(slots.buffer);
      this.#io.read(this.#handle, bytes, INDEX_HEADER_BYTES);
      fromBigEndianInPlace(bytes);
      // A crash between the slot write and the header write can leave slots
      // pointing past the durable entries; drop those links.
      for (let i = 0; i < slots.length; i++) if (slots[i]! >= this.header.indexCount) slots[i] = 0;
    } else {
      this.#writeHeader();
    }
    this.#slots = slots;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function toBigEndian(bytes: Uint8Array): Uint8Array {
  if (!LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    out[i] = bytes[i + 3]!;
    out[i + 1] = bytes[i + 2]!;
    out[i + 2] = bytes[i + 1]!;
    out[i + 3] = bytes[i]!;
  }
  return out;
}

function fromBigEndianInPlace(bytes: Uint8Array): void {
  if (!LITTLE_ENDIAN) return;
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i]!;
    const b = bytes[i + 1]!;
    bytes[i] = bytes[i + 3]!;
    bytes[i + 1] = bytes[i + 2]!;
    bytes[i + 3] = a;
    bytes[i + 2] = b;
  }
}
