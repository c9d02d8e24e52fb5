/** Thrown by the legacy client for a v3 call the legacy protocol cannot express. */
export class Inexpressible extends Error {
  constructor(what: string) {
    super(`not expressible in the legacy protocol: ${what}`);
    this.name = 'Inexpressible';
  }
}
