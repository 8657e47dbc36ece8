import { useEffect, useRef, useState } from 'react';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * A Vega-Lite chart rendered as SVG (so each mark carries an aria description a screen reader,
 * or a browser test, can read). Re-rendered whenever the spec changes.
 */
export function VegaLiteChart({ spec, testId }: { spec: TopLevelSpec; testId: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!container.current) return;
    let view: View | undefined;
    let cancelled = false;
    try {
      view = new View(parse(compile(spec).spec), {
        renderer: 'svg',
        container: container.current,
        hover: true,
      });
      view.runAsync().catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      });
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    return () => {
      cancelled = true;
      view?.finalize();
    };
  }, [spec]);

  return (
    <div className="chart" data-testid={testId}>
      <div ref={container} />
      {error ? <div className="error">chart could not be drawn: {error}</div> : null}
    </div>
  );
}
