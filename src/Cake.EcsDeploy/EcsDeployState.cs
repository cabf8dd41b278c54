using Cake.EcsDeploy.Artifacts;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.TaskDefinitions;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy;

/// <summary>How a deploy (or a manual rollback) ended. Each has its own process exit code (<see cref="DeployOutcomes"/>).</summary>
public enum DeployOutcome
{
    /// <summary>Not finished yet (or not started).</summary>
    Pending,

    /// <summary>The new revision runs and was verified.</summary>
    Deployed,

    /// <summary>The deploy failed; the service was put back on the backed-up revision and verified.</summary>
    RolledBack,

    /// <summary>The deploy failed and so did the rollback: the service may be broken.</summary>
    RollbackFailed,

    /// <summary>Bad input (arguments, files, a service that cannot be deployed to), found before anything in ECS changed.</summary>
    InvalidInput,

    /// <summary>The deploy failed before the service was changed (ECS unreachable, a call refused); nothing needs restoring.</summary>
    Error,
}

/// <summary>The names and exit codes of <see cref="DeployOutcome"/>.</summary>
public static class DeployOutcomes
{
    /// <summary>The name used in report.json, the state file and GitHub outputs (<c>rolled-back</c>).</summary>
    public static string Name(DeployOutcome outcome) => outcome switch
    {
        DeployOutcome.Pending => "in-progress",
        DeployOutcome.Deployed => "deployed",
        DeployOutcome.RolledBack => "rolled-back",
        DeployOutcome.RollbackFailed => "rollback-failed",
        DeployOutcome.InvalidInput => "invalid-input",
        _ => "error",
    };

    /// <summary>
    /// The process exit code: 0 deployed, 1 error, 2 invalid input, 3 rolled back (service restored),
    /// 4 rollback failed (service may be broken). A manual rollback that restored the service exits 0.
    /// </summary>
    public static int ExitCode(DeployOutcome outcome) => outcome switch
    {
        DeployOutcome.Deployed => 0,
        DeployOutcome.InvalidInput => 2,
        DeployOutcome.RolledBack => 3,
        DeployOutcome.RollbackFailed => 4,
        _ => 1,
    };
}

/// <summary>One moment of the run, for the report's timeline.</summary>
/// <param name="At">When.</param>
/// <param name="Step">The task that was running.</param>
/// <param name="Message">What happened.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Step, string Message);

/// <summary>
/// What the run has learned so far. Each task reads what earlier tasks wrote and adds its own; the Deploy target
/// turns it into the build's result and the report.
/// </summary>
public sealed class EcsDeployState
{
    private readonly List<TimelineEntry> _timeline = [];

    /// <summary>The task definition the service ran before the deploy.</summary>
    public TaskDefinitionBackup? Backup { get; set; }

    /// <summary>The task definition to register.</summary>
    public RenderedTaskDefinition? Rendered { get; set; }

    /// <summary>The revision registered for this deploy.</summary>
    public string? NewTaskDefinitionArn { get; set; }

    /// <summary>True once UpdateService pointed the service at the new revision: from here a failure needs a rollback.</summary>
    public bool ServiceChanged { get; set; }

    /// <summary>How the deployment of the new revision ended.</summary>
    public DeploymentResult? Deployment { get; set; }

    /// <summary>How verification of the new revision ended.</summary>
    public VerificationResult? Verification { get; set; }

    /// <summary>The first failure of the deploy (which step, and why).</summary>
    public string? Failure { get; private set; }

    /// <summary>The step that failed.</summary>
    public string? FailedStep { get; private set; }

    /// <summary>True when the first failure was bad input (nothing in ECS was changed).</summary>
    public bool FailureIsInput { get; private set; }

    /// <summary>True when a rollback was asked for by hand (<c>--target=Rollback</c>) rather than caused by a failure.</summary>
    public bool ManualRollback { get; set; }

    /// <summary>The revision the rollback put the service on (the backup's, or its re-registration).</summary>
    public string? RollbackTaskDefinitionArn { get; set; }

    /// <summary>True when the backed-up revision had been deregistered and the rollback registered it again.</summary>
    public bool BackupReregistered { get; set; }

    /// <summary>How the rollback's deployment ended.</summary>
    public DeploymentResult? RollbackDeployment { get; set; }

    /// <summary>How verification after the rollback ended.</summary>
    public VerificationResult? RollbackVerification { get; set; }

    /// <summary>Why the rollback failed, if it did.</summary>
    public string? RollbackFailure { get; set; }

    /// <summary>True once the rollback restored and verified the backed-up revision.</summary>
    public bool RolledBack { get; set; }

    /// <summary>The failed revision that was deregistered after a successful rollback.</summary>
    public string? DeregisteredTaskDefinitionArn { get; set; }

    /// <summary>What happened, in order.</summary>
    public IReadOnlyList<TimelineEntry> Timeline => _timeline;

    /// <summary>Adds a moment to the timeline.</summary>
    public void Mark(DateTimeOffset at, string step, string message) => _timeline.Add(new TimelineEntry(at, step, message));

    /// <summary>Records the first failure; later ones are consequences.</summary>
    public void RecordFailure(string step, string reason, bool isInput = false)
    {
        if (Failure is null)
        {
            FailedStep = step;
            Failure = reason;
            FailureIsInput = isInput;
        }
    }

    /// <summary>A failure happened after the service was changed: the rollback must run.</summary>
    public bool NeedsRollback => Failure is not null && ServiceChanged;

    /// <summary>The deploy so far succeeded through deployment (verification may follow).</summary>
    public bool Deployed => Failure is null && Deployment?.Succeeded == true;

    /// <summary>The service runs what was asked for: the new release, or after a manual rollback the restored one.</summary>
    public bool Succeeded => Outcome == DeployOutcome.Deployed || (ManualRollback && Outcome == DeployOutcome.RolledBack);

    /// <summary>The process exit code of the run (see <see cref="DeployOutcomes.ExitCode"/>); 0 when it succeeded.</summary>
    public int ExitCode => Succeeded ? 0 : DeployOutcomes.ExitCode(Outcome);

    /// <summary>The outcome so far.</summary>
    public DeployOutcome Outcome => this switch
    {
        { ManualRollback: true, RolledBack: true } => DeployOutcome.RolledBack,
        { ManualRollback: true, RollbackFailure: not null } => DeployOutcome.RollbackFailed,
        { Failure: null, Verification.Passed: true } => DeployOutcome.Deployed,
        { Failure: null } => DeployOutcome.Pending,
        { ServiceChanged: false, FailureIsInput: true } => DeployOutcome.InvalidInput,
        { ServiceChanged: false } => DeployOutcome.Error,
        { RolledBack: true } => DeployOutcome.RolledBack,
        _ => DeployOutcome.RollbackFailed,
    };
}
