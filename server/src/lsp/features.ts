/**
 * The LSP features beyond diagnostics and code actions (completion, hover, navigation, editing...).
 * Each installs its handlers on the connection and returns the capabilities it provides.
 */
import { installCompare } from './compare';
import { installCompletion } from './completion';
import { installEditing } from './editing';
import { installHover } from './hover';
import { installInlayHints } from './inlay';
import { installNavigation } from './navigation';
import type { FeatureInstaller } from './start';

export const LSP_FEATURES: FeatureInstaller[] = [
  installCompletion,
  installHover,
  installNavigation,
  installInlayHints,
  installEditing,
  installCompare,
];
