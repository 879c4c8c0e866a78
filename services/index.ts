// The registry of building blocks. Adding one means adding its file and one line here.
import type { BuildingBlock } from '../compiler/model/types.js';

export const BUILDING_BLOCKS: readonly BuildingBlock[] = [
];
