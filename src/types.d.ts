// Text imports embedded by Bun (`with { type: "text" }`).
declare module "*.sql" {
  const text: string;
  export default text;
}
