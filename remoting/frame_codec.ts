/**
 * Remoting frames: `encodeCommand` writes one whole frame (length prefix
 * included); `FrameDecoder` turns a byte stream cut into arbitrary chunks
 * back into commands (remoting-protocol.md section 1):
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 4 | length = 4 + headerLength + bodyLength |
 * | 4 | 4 | serialize type (high byte: 0 JSON, 1 ROCKETMQ) and header length (low 24 bits) |
 * | 8 | headerLength | header |
 * | 8 + headerLength | rest | body |
 *
 * Runs on: any
 * @module
 */
import { DecodeError, FRAME_MAX_BYTES, FRAME_MIN_BYTES, utf8Length } from "../common/mod.ts";
import {
  decodeBinaryHeader,
  encodeBinaryHeaderShared,
  fitsBinaryHeader,
} from "./binary_header_codec.ts";
import { decodeJsonHeader, encodeJsonHeaderText } from "./json_header_codec.ts";
import type { RemotingCommand, SerializeType } from "./remoting_command.ts";

const HEADER_LENGTH_MAX = 0xffffff;
const textEncoder = new TextEncoder();
const DECODER_INITIAL_BYTES = 64 * 1024;

/**
 * Encodes `cmd` as one frame, length prefix included. The header uses
 * `cmd.serializeType`, except that a code or version too wide for the 16-bit
 * binary fields (the POP family) falls back to JSON, which every peer reads.
 */
export function encodeCommand(cmd: RemotingCommand): Uint8Array {
  return writeCommand(cmd, (size) => new Uint8Array(size));
}

/**
 * Encodes `cmd` as `encodeCommand` does, into the bytes `room(size)` returns (exactly `size`
 * bytes, such as a view of a buffer shared by many frames); returns those bytes. Throws
 * `RangeError` before calling `room` when the header cannot be encoded.
 */
export function writeCommand(
  cmd: RemotingCommand,
  room: (size: number) => Uint8Array,
): Uint8Array {
  const binary = cmd.serializeType === "ROCKETMQ" && fitsBinaryHeader(cmd);
  const bodyLength = cmd.body?.length ?? 0;
  let frame: Uint8Array;
  let headerLength: number;
  if (binary) {
    const header = encodeBinaryHeaderShared(cmd);
    headerLength = checkHeaderLength(header.length);
    frame = room(8 + headerLength + bodyLength);
    frame.set(header, 8);
  } else {
    const text = encodeJsonHeaderText(cmd);
    headerLength = checkHeaderLength(utf8Length(text));
    frame = room(8 + headerLength + bodyLength);
    textEncoder.encodeInto(text, frame.subarray(8, 8 + headerLength));
  }
  const view = new DataView(frame.buffer, frame.byteOffset, 8);
  view.setUint32(0, 4 + headerLength + bodyLength);
  view.setUint32(4, ((binary ? 1 : 0) << 24 | headerLength) >>> 0);
  if (cmd.body !== undefined && bodyLength > 0) frame.set(cmd.body, 8 + headerLength);
  return frame;
}

function checkHeaderLength(length: number): number {
  if (length > HEADER_LENGTH_MAX) {
    throw new RangeError(`Cannot encode command: header of ${length} bytes is too long`);
  }
  return length;
}

/**
 * Decodes one whole frame (length prefix included, nothing after it).
 * Throws `DecodeError` when the bytes are not exactly one valid frame.
 */
export function decodeFrame(
  frame: Uint8Array,
  options: { maxFrameBytes?: number } = {},
): RemotingCommand {
  const decoder = new FrameDecoder(options);
  const commands = decoder.push(frame);
  if (commands.length !== 1 || decoder.bufferedBytes !== 0) {
    throw new DecodeError(
      `Cannot decode frame: expected exactly one frame, found ${commands.length} and ${decoder.bufferedBytes} extra bytes`,
    );
  }
  return commands[0] as RemotingCommand;
}

/** Options of `FrameDecoder`. */
export interface FrameDecoderOptions {
  /** Largest accepted length prefix; default `FRAME_MAX_BYTES` (16 MiB). */
  maxFrameBytes?: number;
}

/**
 * Streaming frame decoder. Accepts any chunking (a frame split at every byte,
 * many frames in one chunk). Complete frames inside a chunk are decoded in
 * place; only a partial tail is copied into a reusable buffer. Bodies are
 * always copied out (the whole frames of one chunk in one copy, each body a
 * view of it), so returned commands stay valid after the caller reuses its
 * read buffer. After a `DecodeError` the stream is unusable and every
 * later `push` throws too (the caller closes the connection).
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #buffer: Uint8Array = new Uint8Array(DECODER_INITIAL_BYTES);
  #buffered = 0;
  #failed = false;

  /** Creates a decoder with an optional frame-size limit. */
  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameBytes ?? FRAME_MAX_BYTES;
    if (!Number.isInteger(max) || max < FRAME_MIN_BYTES) {
      throw new RangeError(`Invalid maxFrameBytes: ${max}`);
    }
    this.#maxFrameBytes = max;
  }

  /** Bytes of an incomplete frame held back until more data arrives. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Feeds `chunk` and returns every command it completes, in order. */
  push(chunk: Uint8Array): RemotingCommand[] {
    if (this.#failed) throw new DecodeError("Cannot decode frame: stream failed earlier");
    try {
      return this.#push(chunk);
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  #push(chunk: Uint8Array): RemotingCommand[] {
    const out: RemotingCommand[] = [];
    let pos = 0;
    if (this.#buffered > 0) {
      pos = this.#fillPending(chunk, out);
      if (this.#buffered > 0) return out;
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const first = pos;
    let frames = 0;
    while (chunk.length - pos >= 4) {
      const length = this.#checkLength(view.getUint32(pos));
      if (chunk.length - pos - 4 < length) break;
      pos += 4 + length;
      frames++;
    }
    if (frames === 1) {
      out.push(decodeFrameAt(chunk, view, first, pos - first - 4, true));
    } else if (frames > 1) this.#decodeRun(chunk.slice(first, pos), out);
    if (pos < chunk.length) this.#keep(chunk.subarray(pos));
    return out;
  }

  /**
   * Decodes whole frames from `run`, a private copy of them: one copy per read instead of one
   * per body (bodies are views of the copy, which lives as long as any of them).
   */
  #decodeRun(run: Uint8Array, out: RemotingCommand[]): void {
    const view = new DataView(run.buffer, run.byteOffset, run.byteLength);
    for (let pos = 0; pos < run.length;) {
      const length = view.getUint32(pos);
      out.push(decodeFrameAt(run, view, pos, length, false));
      pos += 4 + length;
    }
  }

  /** Completes the frame started in an earlier chunk; returns how much of `chunk` it used. */
  #fillPending(chunk: Uint8Array, out: RemotingCommand[]): number {
    let pos = 0;
    if (this.#buffered < 4) {
      pos = Math.min(4 - this.#buffered, chunk.length);
      this.#buffer.set(chunk.subarray(0, pos), this.#buffered);
      this.#buffered += pos;
      if (this.#buffered < 4) return pos;
    }
    const view = new DataView(this.#buffer.buffer);
    const total = 4 + this.#checkLength(view.getUint32(0));
    this.#ensureCapacity(total);
    const take = Math.min(total - this.#buffered, chunk.length - pos);
    this.#buffer.set(chunk.subarray(pos, pos + take), this.#buffered);
    this.#buffered += take;
    pos += take;
    if (this.#buffered < total) return pos;
    const full = new DataView(this.#buffer.buffer);
    out.push(decodeFrameAt(this.#buffer, full, 0, total - 4, true));
    this.#buffered = 0;
    if (this.#buffer.length > DECODER_INITIAL_BYTES * 16) {
      // A huge frame went by: give its memory back instead of holding it per connection.
      this.#buffer = new Uint8Array(DECODER_INITIAL_BYTES);
    }
    return pos;
  }

  #keep(tail: Uint8Array): void {
    this.#ensureCapacity(tail.length);
    this.#buffer.set(tail, 0);
    this.#buffered = tail.length;
  }

  #ensureCapacity(bytes: number): void {
    if (this.#buffer.length >= bytes) return;
    const size = Math.min(Math.max(bytes, this.#buffer.length * 2), this.#maxFrameBytes + 4);
    const next = new Uint8Array(size);
    next.set(this.#buffer.subarray(0, this.#buffered));
    this.#buffer = next;
  }

  #checkLength(length: number): number {
    if (length < FRAME_MIN_BYTES) {
      throw new DecodeError(`Cannot decode frame: length ${length} is below ${FRAME_MIN_BYTES}`);
    }
    if (length > this.#maxFrameBytes) {
      throw new DecodeError(
        `Cannot decode frame: length ${length} exceeds the limit of ${this.#maxFrameBytes} bytes`,
      );
    }
    return length;
  }
}

/**
 * Decodes the frame whose length prefix is at `start` and whose length value is `length`; the
 * body is copied when `copyBody`, else a view of `bytes` (a private copy the caller made).
 */
function decodeFrameAt(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  length: number,
  copyBody: boolean,
): RemotingCommand {
  const word = view.getUint32(start + 4);
  const type = word >>> 24;
  const headerLength = word & HEADER_LENGTH_MAX;
  if (headerLength > length - 4) {
    throw new DecodeError(
      `Cannot decode frame: header length ${headerLength} exceeds frame length ${length}`,
    );
  }
  const headerStart = start + 8;
  const headerBytes = bytes.subarray(headerStart, headerStart + headerLength);
  let serializeType: SerializeType;
  if (type === 0) serializeType = "JSON";
  else if (type === 1) serializeType = "ROCKETMQ";
  else throw new DecodeError(`Cannot decode frame: unknown serialize type ${type}`);
  const header = type === 0 ? decodeJsonHeader(headerBytes) : decodeBinaryHeader(headerBytes);
  const bodyStart = headerStart + headerLength;
  const bodyEnd = start + 4 + length;
  // The header object is fresh: complete it in place instead of copying it.
  const cmd = header as RemotingCommand;
  cmd.serializeType = serializeType;
  if (bodyEnd > bodyStart) {
    cmd.body = copyBody ? bytes.slice(bodyStart, bodyEnd) : bytes.subarray(bodyStart, bodyEnd);
  }
  return cmd;
}
