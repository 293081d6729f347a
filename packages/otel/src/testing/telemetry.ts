// Test helper: providers that keep every span and metric in memory, and readers for what they kept.
import { type Attributes, SpanStatusCode } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface Point {
  attributes: Attributes;
  /** A sum's value, or a histogram's count. */
  value: number;
}

export function createTestTelemetry() {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });

  /** Every metric as of now (cumulative), by name. */
  async function collectMetrics(): Promise<Map<string, MetricData>> {
    metricExporter.reset();
    await reader.forceFlush();
    const byName = new Map<string, MetricData>();
    for (const resource of metricExporter.getMetrics())
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    return byName;
  }

  /** The data points of one metric: sums' values, histograms' counts. */
  async function points(name: string): Promise<Point[]> {
    const metric = (await collectMetrics()).get(name);
    if (metric === undefined) return [];
    return metric.dataPoints.map((point) => ({
      attributes: point.attributes,
      value:
        metric.dataPointType === DataPointType.HISTOGRAM
          ? (point.value as { count: number }).count
          : (point.value as number),
    }));
  }

  /** The sum of a metric's points whose attributes include `where`. */
  async function total(name: string, where: Attributes = {}): Promise<number> {
    return (await points(name))
      .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
      .reduce((sum, point) => sum + point.value, 0);
  }

  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => spanExporter.getFinishedSpans(),
    collectMetrics,
    points,
    total,
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export type TestTelemetry = ReturnType<typeof createTestTelemetry>;

export const ERROR = SpanStatusCode.ERROR;
