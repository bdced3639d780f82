/** A parameterized statement: text with $n placeholders and the values for them. */
export interface Query {
  text: string;
  values: unknown[];
}
