// Imported as text (see views/lib/assets.ts); the browser runs the file itself.
declare const text: string;
export default text;
