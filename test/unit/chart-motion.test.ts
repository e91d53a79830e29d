import { describe, expect, it } from 'vitest';
import { motionAware } from '../../renderer/components/charts/useEChart.js';

describe('charts follow the system’s reduced-motion preference', () => {
  const option = { animationDuration: 200, series: [{ type: 'bar' as const, data: [1, 2] }] };

  it('turns animation off when reduced motion is asked, keeping the rest of the option', () => {
    expect(motionAware(option, true)).toEqual({ ...option, animation: false });
  });

  it('turns it on again when the preference is lifted (options merge into the chart), unless the option itself says no', () => {
    expect(motionAware(option, false)).toEqual({ ...option, animation: true });
    expect(motionAware({ ...option, animation: false }, false).animation).toBe(false);
  });
});
