/**
 * An acceptance-criterion id as a comparable key: its runs of letters and of digits, upper-cased, joined by `-`.
 * `AC-1`, `ac1` and `AC 1` are one criterion to a reader (and to a model copying ids), while `AC-1.1` (`AC-1-1`) and
 * `AC-11` stay apart, as do ids in any script (`КП-1`, `ТР-1`). An id with neither letters nor digits is its own key.
 */
export function criterionKey(id: string): string {
  return id.toUpperCase().match(/\p{L}+|\p{N}+/gu)?.join('-') ?? id;
}
