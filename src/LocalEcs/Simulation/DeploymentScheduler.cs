using LocalEcs.Model;

namespace LocalEcs.Simulation;

/// The service scheduler: moves tasks through their lifecycle and drives rolling deployments the way ECS
/// does (maximumPercent / minimumHealthyPercent pacing, circuit breaker, rollback), one step per tick.
internal sealed class DeploymentScheduler(EcsStore store, LocalEcsOptions options, TimeProvider time)
{
    public const string CircuitBreakerReason = "ECS deployment circuit breaker: tasks failed to start.";

    public TimeProvider Time { get; } = time;

    public void Step()
    {
        lock (store.Gate)
        {
            Step(Time.GetUtcNow());
        }
    }

    /// Caller holds the store's lock.
    internal void Step(DateTimeOffset now)
    {
        foreach (var cluster in store.Regions.SelectMany(r => r.Clusters.Values))
        {
            foreach (var task in cluster.Tasks)
            {
                Advance(task, now);
            }

            foreach (var service in cluster.Services.Values)
            {
                Reconcile(service, now);
            }

            cluster.PruneStoppedTasks();
        }
    }

    /// Makes a new PRIMARY deployment; the former primary becomes ACTIVE and is drained as the new one runs.
    public DeploymentState StartDeployment(ServiceState service, TaskDefinitionState taskDefinition, DateTimeOffset now)
    {
        foreach (var previous in service.Deployments.Where(d => d.Status == "PRIMARY"))
        {
            previous.Status = "ACTIVE";
            previous.UpdatedAt = now;
        }

        var id = Ids.DeploymentId();
        var deployment = new DeploymentState
        {
            Id = id,
            TaskDefinition = taskDefinition,
            CreatedAt = now,
            UpdatedAt = now,
            LaunchType = service.LaunchType,
            RolloutStateReason = $"ECS deployment {id} in progress.",
        };
        service.Deployments.Insert(0, deployment);
        service.SteadyStateReported = false;
        return deployment;
    }

    /// DeleteService: scale to zero and stop everything; the service turns INACTIVE once all tasks stopped.
    public void Drain(ServiceState service, DateTimeOffset now)
    {
        service.Status = "DRAINING";
        service.DesiredCount = 0;
        var stopped = TasksOf(service).Where(t => t.WantsToRun).ToList();
        foreach (var task in stopped)
        {
            Stop(task, service, now);
        }

        ReportStopped(service, stopped, now);
    }

    /// ECS's threshold: half the desired count, at least 3 and at most 200 failed tasks.
    internal static int CircuitBreakerThreshold(int desiredCount) =>
        Math.Clamp((int)Math.Ceiling(desiredCount * 0.5), 3, 200);

    private void Advance(TaskState task, DateTimeOffset now)
    {
        if (task.WantsToRun)
        {
            if (task.LastStatus == "PROVISIONING" && now >= task.CreatedAt + options.TaskStartDelay / 2)
            {
                task.LastStatus = "PENDING";
                task.PullStartedAt = now;
                task.Version++;
            }

            // slowstart-N images stay PENDING N ms longer.
            if (task.LastStatus == "PENDING" && now >= task.CreatedAt + options.TaskStartDelay + task.Behaviour.SlowStart)
            {
                task.PullStoppedAt = now;
                task.Version++;
                if (task.Behaviour.Crash)
                {
                    Crash(task, now);
                }
                else
                {
                    task.LastStatus = "RUNNING";
                    task.StartedAt = now;
                }

                Touch(task, now);
            }
        }
        else if (!task.IsStopped)
        {
            var since = task.StoppingAt ?? now;
            if (task.LastStatus == "DEACTIVATING" && now >= since + options.TaskStopDelay / 2)
            {
                task.LastStatus = "STOPPING";
                task.Version++;
            }

            if (task.LastStatus == "STOPPING" && now >= since + options.TaskStopDelay)
            {
                task.LastStatus = "STOPPED";
                task.StoppedAt = now;
                task.ExitCode ??= task.StartedAt is null ? null : 0;
                task.Version++;
                Touch(task, now);
            }
        }
    }

    private static void Crash(TaskState task, DateTimeOffset now)
    {
        task.LastStatus = "STOPPED";
        task.DesiredStatus = "STOPPED";
        task.StoppingAt = now;
        task.StoppedAt = now;
        task.StopCode = "EssentialContainerExited";
        task.StoppedReason = "Essential container in task exited";
        task.ExitCode = 1;
        if (task.Service.Deployments.FirstOrDefault(d => d.Id == task.DeploymentId) is { } deployment)
        {
            deployment.FailedTasks++;
        }
    }

    private static void Touch(TaskState task, DateTimeOffset now)
    {
        if (task.Service.Deployments.FirstOrDefault(d => d.Id == task.DeploymentId) is { } deployment)
        {
            deployment.UpdatedAt = now;
        }
    }

    private void Reconcile(ServiceState service, DateTimeOffset now)
    {
        if (service.Status == "INACTIVE")
        {
            return;
        }

        if (service.Status == "DRAINING")
        {
            if (TasksOf(service).All(t => t.IsStopped))
            {
                service.Status = "INACTIVE";
            }

            return;
        }

        TripCircuitBreaker(service, now);
        var primary = service.Primary;
        var desired = service.DesiredCount;
        var maxTotal = desired * service.Deployment.MaximumPercent / 100;
        var minHealthy = (int)Math.Ceiling(desired * service.Deployment.MinimumHealthyPercent / 100.0);
        var tasks = TasksOf(service).ToList();
        var stopped = new List<TaskState>();

        // Older deployments: tasks still starting can go at once; running ones only while enough stay healthy.
        var order = service.Deployments.Select(d => d.Id).ToList();
        var old = tasks.Where(t => t.WantsToRun && t.DeploymentId != primary.Id)
            .OrderByDescending(t => order.IndexOf(t.DeploymentId))
            .ThenBy(t => t.CreatedAt)
            .ToList();
        stopped.AddRange(old.Where(t => t.IsStarting));
        var healthy = tasks.Count(t => IsHealthy(t, now));
        foreach (var task in old.Where(t => IsHealthy(t, now)))
        {
            if (healthy - 1 < minHealthy)
            {
                break;
            }

            stopped.Add(task);
            healthy--;
        }

        // Scale-in of the primary: starting tasks first, then the newest running ones.
        var primaryTasks = tasks.Where(t => t.WantsToRun && t.DeploymentId == primary.Id)
            .OrderBy(t => t.IsServing)
            .ThenByDescending(t => t.CreatedAt)
            .ToList();
        stopped.AddRange(primaryTasks.Take(Math.Max(0, primaryTasks.Count - desired)));

        foreach (var task in stopped)
        {
            Stop(task, service, now);
        }

        ReportStopped(service, stopped, now);

        // Launch for the primary within maximumPercent. A failed deployment (breaker without rollback) stops launching.
        var started = new List<TaskState>();
        if (primary.RolloutState != "FAILED")
        {
            var active = tasks.Count(t => t.WantsToRun);
            var primaryActive = tasks.Count(t => t.WantsToRun && t.DeploymentId == primary.Id);
            var count = Math.Min(desired - primaryActive, maxTotal - active);
            for (var i = 0; i < count; i++)
            {
                started.Add(Launch(service, primary, now));
            }
        }

        if (started.Count > 0)
        {
            primary.UpdatedAt = now;
            service.AddEvent(now, $"has started {started.Count} tasks: {TaskList(started)}.");
        }

        Settle(service, now);
    }

    /// Completion and steady state, checked after every step.
    private static void Settle(ServiceState service, DateTimeOffset now)
    {
        var primary = service.Primary;
        var tasks = TasksOf(service).Where(t => !t.IsStopped).ToList();
        var onlyPrimary = tasks.All(t => t.DeploymentId == primary.Id);
        var primaryDone = tasks.Count(t => t.IsServing) == service.DesiredCount && tasks.Count == service.DesiredCount;
        if (primary.RolloutState == "IN_PROGRESS" && onlyPrimary && primaryDone)
        {
            service.Deployments.RemoveAll(d => d != primary);
            primary.RolloutState = "COMPLETED";
            primary.RolloutStateReason = $"ECS deployment {primary.Id} completed.";
            primary.UpdatedAt = now;
            service.LastCompleted = primary;
            service.AddEvent(now, $"(deployment {primary.Id}) deployment completed.");
        }

        var stable = service.Deployments.Count == 1 && onlyPrimary && primaryDone;
        if (stable && !service.SteadyStateReported)
        {
            service.AddEvent(now, "has reached a steady state.");
        }

        service.SteadyStateReported = stable;
    }

    private void TripCircuitBreaker(ServiceState service, DateTimeOffset now)
    {
        var primary = service.Primary;
        if (!service.Deployment.CircuitBreakerEnable
            || primary.RolloutState != "IN_PROGRESS"
            || primary.FailedTasks < CircuitBreakerThreshold(service.DesiredCount))
        {
            return;
        }

        primary.RolloutState = "FAILED";
        primary.RolloutStateReason = CircuitBreakerReason;
        primary.UpdatedAt = now;
        service.AddEvent(now, $"(deployment {primary.Id}) deployment failed: tasks failed to start.");
        if (service.Deployment.CircuitBreakerRollback && service.LastCompleted is { } target && target != primary)
        {
            // Like ECS: a new deployment of the last completed task definition.
            service.AddEvent(now, $"rolling back to deployment {target.Id}.");
            StartDeployment(service, target.TaskDefinition, now);
        }
    }

    /// Like a target group's health check: a task counts as healthy (letting old tasks be stopped) once it has
    /// been RUNNING for half the start delay, so old and new revisions both serve for a moment during a rollout.
    private bool IsHealthy(TaskState task, DateTimeOffset now) =>
        task.IsServing && now >= task.StartedAt + options.TaskStartDelay / 2;

    private static TaskState Launch(ServiceState service, DeploymentState deployment, DateTimeOffset now)
    {
        var cluster = service.Cluster;
        var id = Ids.TaskId();
        var task = new TaskState
        {
            Id = id,
            Arn = Arns.Task(cluster.Region, cluster.Name, id),
            ClusterArn = cluster.Arn,
            Service = service,
            DeploymentId = deployment.Id,
            TaskDefinition = deployment.TaskDefinition,
            Behaviour = ImageBehaviours.Of(deployment.TaskDefinition.Containers.Select(c => c.Image)),
            CreatedAt = now,
            LaunchType = deployment.LaunchType,
        };
        cluster.Tasks.Add(task);
        return task;
    }

    private static void Stop(TaskState task, ServiceState service, DateTimeOffset now)
    {
        task.DesiredStatus = "STOPPED";
        task.StoppingAt = now;
        task.LastStatus = task.LastStatus == "RUNNING" ? "DEACTIVATING" : "STOPPING";
        task.StopCode = "ServiceSchedulerInitiated";
        task.StoppedReason = $"Scaling activity initiated by (deployment {service.Primary.Id})";
        task.Version++;
        Touch(task, now);
    }

    private static void ReportStopped(ServiceState service, List<TaskState> stopped, DateTimeOffset now)
    {
        if (stopped.Count > 0)
        {
            service.AddEvent(now, $"has stopped {stopped.Count} running tasks: {TaskList(stopped)}.");
        }
    }

    private static IEnumerable<TaskState> TasksOf(ServiceState service) =>
        service.Cluster.Tasks.Where(t => t.Service == service);

    private static string TaskList(IEnumerable<TaskState> tasks) => string.Join(" ", tasks.Select(t => $"(task {t.Id})"));
}
