/** A whole-file problem (wrong type, no header, missing columns): the upload is refused as a whole. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}
