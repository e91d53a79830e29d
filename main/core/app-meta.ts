import fs from 'node:fs';
import path from 'node:path';

export interface PackageMeta {
  name: string;
  productName: string;
  version: string;
}

/** Reads name and version from the app's package.json (at the app root, or inside the asar). */
export function readPackageMeta(appRoot: string): PackageMeta {
  const pkg = JSON.parse(fs.readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as Partial<PackageMeta>;
  return { name: pkg.name ?? 'vigil', productName: pkg.productName ?? 'Vigil', version: pkg.version ?? '0.0.0' };
}
