// TypeDoc names each entry point after its file path (`core/src/tokens`); users import it as a package
// specifier (`@portcullis/core/tokens`). This plugin renames every module to the specifier it is published as.
import { Converter, ReflectionKind } from 'typedoc';

const ENTRY = /\/packages\/([^/]+)\/src\/(?:([^/]+)\/)?index\.ts$/;

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
    const match = ENTRY.exec(file.replaceAll('\\', '/'));
    if (match === null) return;
    reflection.name =
      match[2] === undefined ? `@portcullis/${match[1]}` : `@portcullis/${match[1]}/${match[2]}`;
  });
}
