namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// A step of the deploy, shaped like a Frosting task (Run, ShouldRun, OnError) but typed against
/// <see cref="EcsDeployRun"/> rather than a Cake context, so a Frosting host could wrap it later unchanged.
/// </summary>
public abstract class EcsDeployTask
{
    /// <summary>The task's name in Cake: the class name.</summary>
    public string Name => GetType().Name;

    /// <summary>What the task does, shown by <c>--description</c>/<c>--tree</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Whether the task should run given what the run has learned; skipped otherwise.</summary>
    public virtual bool ShouldRun(EcsDeployRun run) => true;

    /// <summary>Why the task is skipped when <see cref="ShouldRun"/> is false.</summary>
    public virtual string SkipReason => "not needed";

    /// <summary>Does the work.</summary>
    public abstract Task RunAsync(EcsDeployRun run);

    /// <summary>True when the task records its failure (<see cref="OnError"/>) instead of stopping the build.</summary>
    public virtual bool RecordsErrors => false;

    /// <summary>Records a failure so that Rollback and Deploy can act on it.</summary>
    public virtual void OnError(Exception exception, EcsDeployRun run) { }
}
