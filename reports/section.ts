// A part of a report page: its HTML and the charts that HTML places.
import type { Chart } from './html.js';

export interface Section { html: string; charts: Chart[]; }
