using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.Reporting;

namespace Cake.EcsDeploy.Deployments;

/// <summary>How long and how often to watch a deployment.</summary>
public sealed record DeploymentWaitOptions
{
    /// <summary>Give up (and call the deployment failed) after this long (default 10 minutes).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Shortest pause between DescribeServices calls, used while the deployment is changing (default 2 s).</summary>
    public TimeSpan MinPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest pause, reached by backing off while nothing changes (default 15 s).</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>How a deployment ended.</summary>
public enum DeploymentEnd
{
    /// <summary>The target revision is the only deployment, runs the desired count and ECS says COMPLETED.</summary>
    Completed,

    /// <summary>ECS marked the deployment FAILED (for example the circuit breaker).</summary>
    Failed,

    /// <summary>The service moved off the target revision (ECS's circuit breaker rolled it back, or someone else deployed).</summary>
    MovedOff,

    /// <summary>The deployment did not settle in time.</summary>
    TimedOut,
}

/// <summary>The result of watching a deployment.</summary>
public sealed record DeploymentResult(DeploymentEnd End, string Summary, TimeSpan Elapsed, IReadOnlyList<EcsServiceEvent> Events)
{
    /// <summary>True when the deployment completed.</summary>
    public bool Succeeded => End == DeploymentEnd.Completed;
}

/// <summary>
/// Watches a service until its deployment of a given revision has really finished or has failed, printing what ECS
/// does meanwhile (running/desired, rollout state, new service events, why tasks stopped). Polls fast while things
/// change and backs off while nothing does, to spare ECS's API rate limits; and when the service's events show how
/// long its last rollout took, it looks when this one should be done rather than polling through the wait.
/// </summary>
public sealed class DeploymentWaiter(IEcsClient ecs, IDeployLog log, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Waits for the service to settle on <paramref name="taskDefinitionArn"/>.</summary>
    public async Task<DeploymentResult> WaitAsync(string cluster, string service, string taskDefinitionArn, DeploymentWaitOptions options, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        var startedAt = _time.GetUtcNow();
        var seenEvents = new HashSet<string>();
        var events = new List<EcsServiceEvent>();
        var seenStoppedTasks = new HashSet<string>();
        var lastFailedTasks = 0;
        string? lastProgress = null;
        var interval = options.MinPollInterval;
        DateTimeOffset? due = null;
        var predicted = false;

        while (true)
        {
            var current = await ecs.DescribeServiceAsync(cluster, service, cancellationToken);
            var elapsed = _time.GetElapsedTime(started);

            // Service events are newest first; show the ones this deploy caused, oldest first.
            foreach (var e in (current.Events ?? []).Where(e => e.CreatedAt >= startedAt.AddSeconds(-2) && !seenEvents.Contains(e.Id)).Reverse())
            {
                seenEvents.Add(e.Id);
                events.Add(e);
                log.Information($"  [{Format(elapsed)}] event: {e.Message}");
            }

            var ours = (current.Deployments ?? []).Where(d => d.TaskDefinition == taskDefinitionArn).OrderByDescending(d => d.CreatedAt).FirstOrDefault();
            var primary = current.PrimaryDeployment;
            var progress = Describe(current, ours);
            if (progress != lastProgress)
            {
                log.Information($"  [{Format(elapsed)}] {progress}");
                lastProgress = progress;
                interval = options.MinPollInterval;
            }
            else
            {
                interval = TimeSpan.FromTicks(Math.Min(options.MaxPollInterval.Ticks, (long)(interval.Ticks * 1.5)));
            }

            if (ours is not null && ours.FailedTasks > lastFailedTasks)
            {
                lastFailedTasks = ours.FailedTasks;
                await ReportStoppedTasksAsync(cluster, service, taskDefinitionArn, seenStoppedTasks, elapsed, cancellationToken);
            }

            if (ours?.RolloutState == "FAILED")
            {
                return End(DeploymentEnd.Failed, $"ECS marked the deployment of {ShortName(taskDefinitionArn)} FAILED: {ours.RolloutStateReason ?? "no reason given"}", elapsed, events);
            }

            if (primary is not null && primary.TaskDefinition != taskDefinitionArn)
            {
                return End(DeploymentEnd.MovedOff,
                    $"The service moved off {ShortName(taskDefinitionArn)} to {ShortName(primary.TaskDefinition)} while deploying " +
                    $"(ECS's circuit breaker rolled it back, or another deployment started){(ours?.RolloutStateReason is { } r ? ": " + r : "")}.", elapsed, events);
            }

            if (IsSettled(current, ours))
            {
                return End(DeploymentEnd.Completed, $"{ShortName(taskDefinitionArn)} runs {ours!.RunningCount}/{ours.DesiredCount} tasks; the deployment completed.", elapsed, events);
            }

            if (elapsed >= options.Timeout)
            {
                return End(DeploymentEnd.TimedOut, $"The deployment of {ShortName(taskDefinitionArn)} did not finish within {Format(options.Timeout)} (last state: {progress}).", elapsed, events);
            }

            if (!predicted && ours is not null)
            {
                predicted = true;
                due = PredictCompletion(current, ours);
                if (due is { } at)
                {
                    log.Information($"  [{Format(elapsed)}] the service's last rollout took about {Format(at - ours.CreatedAt!.Value)}: next look then (at most {Format(options.MaxPollInterval)} apart)");
                }
            }

            // Until the predicted end, look only then (at most MaxPollInterval apart, so a failure is still seen within
            // it); after it, poll adaptively. Fewer calls than polling through the wait, and completion seen at once.
            var pause = interval;
            if (due is { } end)
            {
                var untilDue = end - _time.GetUtcNow();
                if (untilDue > TimeSpan.Zero)
                {
                    pause = untilDue < options.MaxPollInterval ? untilDue : options.MaxPollInterval;
                }
                else
                {
                    due = null;
                }
            }

            var remaining = options.Timeout - elapsed;
            await Task.Delay(pause < remaining ? pause : remaining, _time, cancellationToken);
        }
    }

    /// <summary>
    /// When the deployment <paramref name="ours"/> should be done, judged by the service's last completed rollout: the
    /// time from its last "has started N tasks" event to its "deployment completed" event, plus 2% and 150 ms.
    /// Rollouts of one service take alike (same image pull, health checks, deregistration delay), so one look then
    /// replaces a poll every few seconds. Null when the events do not show a whole rollout.
    /// </summary>
    public static DateTimeOffset? PredictCompletion(EcsService service, EcsDeployment ours)
    {
        if (ours.CreatedAt is not { } created)
        {
            return null;
        }

        var earlier = (service.Events ?? []).Where(e => e.CreatedAt < created).OrderByDescending(e => e.CreatedAt).ToList();
        var completed = earlier.FirstOrDefault(e => e.Message.Contains(" deployment completed", StringComparison.Ordinal));
        // Only that rollout's own launch: after the completion before it, if any.
        var before = completed is null ? null : earlier.FirstOrDefault(e => e.CreatedAt < completed.CreatedAt && e.Message.Contains(" deployment completed", StringComparison.Ordinal));
        var started = completed is null ? null : earlier.FirstOrDefault(e => e.CreatedAt <= completed.CreatedAt && (before is null || e.CreatedAt > before.CreatedAt) && e.Message.Contains(" has started ", StringComparison.Ordinal));
        if (completed is null || started is null || completed.CreatedAt <= started.CreatedAt)
        {
            return null;
        }

        var took = completed.CreatedAt - started.CreatedAt;
        return created + took + took / 50 + TimeSpan.FromMilliseconds(150);
    }

    /// <summary>
    /// Settled: ours is the only deployment, it runs the desired count with nothing pending, and ECS (where it
    /// reports rollout state at all) says COMPLETED.
    /// </summary>
    public static bool IsSettled(EcsService service, EcsDeployment? ours) =>
        ours is not null
        && service.Deployments is { Count: 1 }
        && ours.RunningCount == ours.DesiredCount
        && ours.PendingCount == 0
        && service.RunningCount == service.DesiredCount
        && (ours.RolloutState is null || ours.RolloutState == "COMPLETED");

    private async Task ReportStoppedTasksAsync(string cluster, string service, string taskDefinitionArn, HashSet<string> seen, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var stopped = await ecs.ListTasksAsync(cluster, service, "STOPPED", cancellationToken);
        var fresh = stopped.Where(a => !seen.Contains(a)).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        foreach (var task in await ecs.DescribeTasksAsync(cluster, fresh, cancellationToken))
        {
            seen.Add(task.TaskArn);
            if (task.TaskDefinitionArn != taskDefinitionArn)
            {
                continue;
            }

            var exit = task.Containers?.FirstOrDefault(c => c.ExitCode is not null) is { } c ? $" ({c.Name} exited with {c.ExitCode})" : "";
            log.Warning($"  [{Format(elapsed)}] task {task.TaskArn.Split('/').Last()} stopped: {task.StoppedReason ?? task.StopCode ?? "no reason given"}{exit}");
        }
    }

    private static string Describe(EcsService service, EcsDeployment? ours)
    {
        var others = (service.Deployments ?? []).Where(d => d != ours).ToList();
        var text = ours is null
            ? $"waiting for the deployment to appear; service runs {service.RunningCount}/{service.DesiredCount}"
            : $"running {ours.RunningCount}/{ours.DesiredCount}, pending {ours.PendingCount}, failed {ours.FailedTasks}, rollout {ours.RolloutState ?? "n/a"}";
        return others.Count == 0 ? text : text + $"; older deployments still running {others.Sum(d => d.RunningCount)} task(s)";
    }

    private static DeploymentResult End(DeploymentEnd end, string summary, TimeSpan elapsed, List<EcsServiceEvent> events) => new(end, summary, elapsed, events);

    /// <summary>"family:revision" of a task-definition ARN.</summary>
    public static string ShortName(string taskDefinitionArn) => taskDefinitionArn.Split('/').Last();

    private static string Format(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.0}s";
}
