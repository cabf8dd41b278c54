using System.Diagnostics;
using Cake.EcsDeploy.Reporting;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Cake.EcsDeploy.Verification;

/// <summary>What counts as the new version answering, and how patiently to ask.</summary>
public sealed record VerificationOptions
{
    /// <summary>The URL to request through the load balancer.</summary>
    public required Uri Url { get; init; }

    /// <summary>Status codes that count as success (default 200-299).</summary>
    public StatusCodeSet ExpectedStatus { get; init; } = StatusCodeSet.Parse("200-299");

    /// <summary>Successes in a row required to pass (default 3), so one lucky answer is not enough.</summary>
    public int ConsecutiveSuccesses { get; init; } = 3;

    /// <summary>Time allowed for one request (default 5 s).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Give up after this long in all (default 2 minutes); covers load-balancer registration and warm-up.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Pause between successful requests (default 1 s).</summary>
    public TimeSpan SuccessInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>First pause after a failed request, doubled each time with jitter (default 1 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest pause after a failed request (default 10 s).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>One request of a verification.</summary>
/// <param name="Number">1-based.</param>
/// <param name="At">Time since verification started.</param>
/// <param name="Status">HTTP status, or null when no answer came.</param>
/// <param name="Passed">Whether it counted as a success.</param>
/// <param name="Detail">Why it failed, or who served it.</param>
public sealed record VerificationAttempt(int Number, TimeSpan At, int? Status, bool Passed, string Detail);

/// <summary>The result of a verification.</summary>
public sealed record VerificationResult(bool Passed, string Summary, IReadOnlyList<VerificationAttempt> Attempts);

/// <summary>
/// Proves that the service answers through its load balancer: a Polly pipeline of an overall deadline, retries
/// with exponential backoff and jitter, and a per-request timeout, until the required number of consecutive
/// successes is reached. Any failure resets the count, so a flapping service does not pass.
/// </summary>
public sealed class EndpointVerifier(HttpClient http, IDeployLog log, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Runs the verification.</summary>
    public async Task<VerificationResult> VerifyAsync(VerificationOptions options, CancellationToken cancellationToken = default)
    {
        var attempts = new List<VerificationAttempt>();
        var consecutive = 0;
        var started = _time.GetTimestamp();

        var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = _time }
            .AddTimeout(options.Deadline)
            .AddRetry(new RetryStrategyOptions<bool>
            {
                // Retry until enough successes in a row; the deadline above ends it otherwise.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null || !args.Outcome.Result),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                // After a success we only need more of them: ask again soon. After a failure, back off (null: Polly's backoff).
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(consecutive > 0 ? options.SuccessInterval : null),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();

        try
        {
            await pipeline.ExecuteAsync(async ct =>
            {
                var attempt = await ProbeAsync(options, attempts.Count + 1, _time.GetElapsedTime(started), ct);
                attempts.Add(attempt);
                consecutive = attempt.Passed ? consecutive + 1 : 0;
                var line = $"  verify #{attempt.Number} [{attempt.At.TotalSeconds:0.0}s] GET {options.Url} -> {(attempt.Status?.ToString() ?? "no answer")} ({attempt.Detail}); {consecutive}/{options.ConsecutiveSuccesses} in a row";
                if (attempt.Passed)
                {
                    log.Information(line);
                }
                else
                {
                    log.Warning(line);
                }

                return consecutive >= options.ConsecutiveSuccesses;
            }, cancellationToken);

            return new VerificationResult(true, $"{options.Url} answered {options.ConsecutiveSuccesses} times in a row as expected ({attempts.Count} requests).", attempts);
        }
        catch (TimeoutRejectedException)
        {
            var last = attempts.LastOrDefault(a => !a.Passed);
            return new VerificationResult(false,
                $"{options.Url} did not answer {options.ConsecutiveSuccesses} times in a row with {options.ExpectedStatus} within {options.Deadline.TotalSeconds:0}s " +
                $"({attempts.Count} requests, {attempts.Count(a => a.Passed)} passed; last failure: {last?.Detail ?? "none"}).", attempts);
        }
    }

    private async Task<VerificationAttempt> ProbeAsync(VerificationOptions options, int number, TimeSpan at, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.GetAsync(options.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            var servedBy = response.Headers.TryGetValues("X-LocalEcs-Task-Definition", out var v) ? $", served by {v.First().Split('/').Last()}" : "";
            return options.ExpectedStatus.Contains(status)
                ? new VerificationAttempt(number, at, status, true, $"{watch.ElapsedMilliseconds} ms{servedBy}")
                : new VerificationAttempt(number, at, status, false, $"expected {options.ExpectedStatus}, {watch.ElapsedMilliseconds} ms{servedBy}");
        }
        catch (HttpRequestException e)
        {
            return new VerificationAttempt(number, at, null, false, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new VerificationAttempt(number, at, null, false, "request was cancelled");
        }
        catch (OperationCanceledException)
        {
            // The per-request timeout: record it, then let Polly see it as a timeout.
            return new VerificationAttempt(number, at, null, false, $"no answer within {options.AttemptTimeout.TotalSeconds:0.#}s");
        }
    }
}
