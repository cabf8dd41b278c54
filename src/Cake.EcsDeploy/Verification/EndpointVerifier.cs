using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// Fail as soon as this many requests in a row have failed (0, the default: keep trying until the deadline). After
    /// a completed deployment a new version that keeps failing is failing, and every minute spent confirming it is a
    /// minute production is broken.
    /// </summary>
    public int FailAfterConsecutiveFailures { get; init; }

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

    /// <summary>
    /// When set, an answer counts only if it names the expected version, so an old task that still answers during a
    /// rollout can never make verification pass.
    /// </summary>
    public VersionCheck? Version { get; init; }

    /// <summary>These options with the version to expect filled in: <c>--verify-version</c>, else the tag of <paramref name="image"/>.</summary>
    /// <exception cref="EcsDeployInputException">A version check is asked for, no version given, and the image has no tag.</exception>
    public VerificationOptions ForRelease(string? image) =>
        Version is { Expected: null } check
            ? this with { Version = check with { Expected = TaskDefinitions.ImageReference.Tag(image) ?? throw new EcsDeployInputException(
                $"--verify-{(check.Header is null ? "version-field" : "version-header")} needs the version to expect, and the image {image} has no tag: pass --verify-version=<version>. Nothing was changed in ECS.") } }
            : this;
}

/// <summary>Where an answer names the version that served it, and which version must.</summary>
/// <param name="Header">A response header carrying the version (e.g. X-App-Version); or null.</param>
/// <param name="Field">A dotted path to a JSON body field carrying it (e.g. build.version); or null.</param>
/// <param name="Expected">The version that must answer; null until the deploy fills in the image's tag.</param>
public sealed record VersionCheck(string? Header, string? Field, string? Expected)
{
    /// <summary>Where the version is read, for messages.</summary>
    public string Source => Header is not null ? $"header {Header}" : $"body field {Field}";
}

/// <summary>One request of a verification.</summary>
/// <param name="Number">1-based.</param>
/// <param name="At">Time since verification started.</param>
/// <param name="Status">HTTP status, or null when no answer came.</param>
/// <param name="Passed">Whether it counted as a success.</param>
/// <param name="Detail">Why it failed, or who served it.</param>
public sealed record VerificationAttempt(int Number, TimeSpan At, int? Status, bool Passed, string Detail);

/// <summary>What a verification is checking.</summary>
public enum VerificationStage
{
    /// <summary>The new release, after its deployment completed.</summary>
    NewRelease,

    /// <summary>The restored revision, after a rollback.</summary>
    AfterRollback,
}

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
        var failuresInRow = 0;
        var started = _time.GetTimestamp();

        var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = _time }
            .AddTimeout(options.Deadline)
            .AddRetry(new RetryStrategyOptions<bool>
            {
                // Retry until enough successes in a row; the deadline above ends it otherwise.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e ? e is not FailedEnoughException : !args.Outcome.Result),
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
                failuresInRow = attempt.Passed ? 0 : failuresInRow + 1;
                var line = $"  verify #{attempt.Number} [{attempt.At.TotalSeconds:0.0}s] GET {options.Url} -> {(attempt.Status?.ToString() ?? "no answer")} ({attempt.Detail}); {consecutive}/{options.ConsecutiveSuccesses} in a row";
                if (attempt.Passed)
                {
                    log.Information(line);
                }
                else
                {
                    log.Warning(line);
                }

                if (options.FailAfterConsecutiveFailures > 0 && failuresInRow >= options.FailAfterConsecutiveFailures)
                {
                    throw new FailedEnoughException();
                }

                return consecutive >= options.ConsecutiveSuccesses;
            }, cancellationToken);

            return new VerificationResult(true, $"{options.Url} answered {options.ConsecutiveSuccesses} times in a row as expected ({attempts.Count} requests).", attempts);
        }
        catch (FailedEnoughException)
        {
            return new VerificationResult(false,
                $"{options.Url} failed {failuresInRow} times in a row (--verify-failures={options.FailAfterConsecutiveFailures}; last failure: {attempts[^1].Detail}); not waiting for the deadline.", attempts);
        }
        catch (TimeoutRejectedException)
        {
            var last = attempts.LastOrDefault(a => !a.Passed);
            return new VerificationResult(false,
                $"{options.Url} did not answer {options.ConsecutiveSuccesses} times in a row with {options.ExpectedStatus} within {options.Deadline.TotalSeconds:0}s " +
                $"({attempts.Count} requests, {attempts.Count(a => a.Passed)} passed; last failure: {last?.Detail ?? "none"}).", attempts);
        }
    }

    // The version an answer names: a header's value, or a field of a JSON body (read up to 64 KiB).
    private static async Task<string?> ReadVersionAsync(HttpResponseMessage response, VersionCheck check, CancellationToken cancellationToken)
    {
        if (check.Header is not null)
        {
            return response.Headers.TryGetValues(check.Header, out var values) || response.Content.Headers.TryGetValues(check.Header, out values)
                ? values.FirstOrDefault()?.Trim()
                : null;
        }

        var buffer = new byte[64 * 1024];
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        try
        {
            var node = JsonNode.Parse(buffer.AsSpan(0, length));
            foreach (var part in check.Field!.Split('.'))
            {
                node = node is JsonObject o ? o[part] : null;
            }

            return node is JsonValue value ? value.ToString().Trim() : null;
        }
        catch (JsonException)
        {
            return null;
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
            if (!options.ExpectedStatus.Contains(status))
            {
                return new VerificationAttempt(number, at, status, false, $"expected {options.ExpectedStatus}, {watch.ElapsedMilliseconds} ms{servedBy}");
            }

            if (options.Version is { } check)
            {
                var version = await ReadVersionAsync(response, check, cancellationToken);
                if (version != check.Expected)
                {
                    return new VerificationAttempt(number, at, status, false,
                        $"answered by version {version ?? "(none)"} ({check.Source}), expected {check.Expected}: not the new release, does not count{servedBy}");
                }

                return new VerificationAttempt(number, at, status, true, $"{watch.ElapsedMilliseconds} ms, version {version}{servedBy}");
            }

            return new VerificationAttempt(number, at, status, true, $"{watch.ElapsedMilliseconds} ms{servedBy}");
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

    // Ends the retry loop early: enough failures in a row to be sure.
    private sealed class FailedEnoughException : Exception;
}
