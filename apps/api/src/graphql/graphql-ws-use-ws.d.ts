// graphql-ws publishes its ws adapter only through package.json "exports", which this project's
// "moduleResolution": "node" does not read (Node's require does): point the types at the file.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
