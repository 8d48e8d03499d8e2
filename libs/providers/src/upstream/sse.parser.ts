/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The `event:` field; `message` when absent. */
  readonly event: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
}

/**
 * An incremental Server-Sent Events parser (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * Feed it decoded text in whatever pieces the network delivers; it handles CRLF, CR and LF line ends
 * (including a CRLF split across two pieces), comments, multi-line `data:` and a leading BOM.
 * `id` and `retry` are ignored: upstream streams are never reconnected.
 */
export class SseParser {
  private buffer = '';
  private started = false;
  /** The previous piece ended with CR: a LF at the start of the next one belongs to that line end. */
  private pendingCr = false;
  private eventType = '';
  private dataLines: string[] = [];

  push(text: string): SseEvent[] {
    if (text.length === 0) return [];
    let input = text;
    if (!this.started) {
      this.started = true;
      if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
    }
    if (this.pendingCr && input.startsWith('\n')) input = input.slice(1);
    this.pendingCr = false;

    const events: SseEvent[] = [];
    // The buffer holds no line end, so scanning starts at the new text.
    const pending = this.buffer + input;
    let start = 0;
    for (let i = this.buffer.length; i < pending.length; i++) {
      const ch = pending.charCodeAt(i);
      if (ch !== 0x0a && ch !== 0x0d) continue;
      this.line(pending.slice(start, i), events);
      if (ch === 0x0d) {
        if (i + 1 === pending.length) this.pendingCr = true;
        else if (pending.charCodeAt(i + 1) === 0x0a) i++;
      }
      start = i + 1;
    }
    this.buffer = pending.slice(start);
    return events;
  }

  /**
   * The stream ended. The spec discards an event not terminated by a blank line; we dispatch it, because
   * some servers close right after the last `data:` line.
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.buffer.length > 0) this.line(this.buffer, events);
    this.buffer = '';
    this.dispatch(events);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') return this.dispatch(events);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventType = value;
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0) {
      events.push({ event: this.eventType || 'message', data: this.dataLines.join('\n') });
    }
    this.dataLines = [];
    this.eventType = '';
  }
}
