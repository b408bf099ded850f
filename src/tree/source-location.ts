/** Where a node was written: the file, and the 1-based line and column in it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}
