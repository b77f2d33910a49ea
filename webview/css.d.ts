// Style sheets the app imports are bundled as text (see scripts/build.mjs) and adopted by a shadow root.
declare module '*.css' {
  const text: string;
  export default text;
}
