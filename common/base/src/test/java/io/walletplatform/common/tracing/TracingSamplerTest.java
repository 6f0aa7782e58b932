package io.walletplatform.common.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #30: a request's traceparent cannot make the platform trace more than OTEL_TRACES_SAMPLER_ARG says. */
class TracingSamplerTest {

  private static final String CHOSEN_TRACE_ID = "00000000000000000000000000000001";

  private static Context remoteParent(boolean sampled) {
    return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(CHOSEN_TRACE_ID, "0000000000000001",
        sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault())));
  }

  private static int sampledOf(Sampler sampler, Context parent, int tries) {
    int sampled = 0;
    for (int i = 0; i < tries; i++) {
      if (sampler.shouldSample(parent, CHOSEN_TRACE_ID, "POST /api/v1/wallet", SpanKind.SERVER, Attributes.empty(), List.of())
          .getDecision() == SamplingDecision.RECORD_AND_SAMPLE) {
        sampled++;
      }
    }
    return sampled;
  }

  @Test
  void aRemoteSampledFlagAndAChosenTraceIdCannotRaiseTheRatio() {
    assertEquals(0, sampledOf(Tracing.sampler(0), remoteParent(true), 1_000), "ratio 0: nothing, whatever the caller says");
    int atOnePercent = sampledOf(Tracing.sampler(0.01), remoteParent(true), 10_000);
    assertTrue(atOnePercent < 300, "at 1 %, a trace id the caller picked was sampled " + atOnePercent + " times in 10,000");
    assertEquals(0, sampledOf(Tracing.sampler(1), remoteParent(false), 100), "an unsampled caller is still followed");
    assertEquals(100, sampledOf(Tracing.sampler(1), remoteParent(true), 100));
  }
}
