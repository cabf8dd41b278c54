using Cake.EcsDeploy.Artifacts;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.TaskDefinitions;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy;

/// <summary>How a deploy ended.</summary>
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

    /// <summary>The deploy failed before the service was changed; nothing needs restoring.</summary>
    FailedBeforeChange,
}

/// <summary>
/// What the run has learned so far. Each task reads what earlier tasks wrote and adds its own; the Deploy target
/// turns it into the build's result.
/// </summary>
public sealed class EcsDeployState
{
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

    /// <summary>How the rollback's deployment ended.</summary>
    public DeploymentResult? RollbackDeployment { get; set; }

    /// <summary>How verification after the rollback ended.</summary>
    public VerificationResult? RollbackVerification { get; set; }

    /// <summary>Why the rollback failed, if it did.</summary>
    public string? RollbackFailure { get; set; }

    /// <summary>True once the rollback restored and verified the backed-up revision.</summary>
    public bool RolledBack { get; set; }

    /// <summary>Records the first failure; later ones are consequences.</summary>
    public void RecordFailure(string step, string reason)
    {
        if (Failure is null)
        {
            FailedStep = step;
            Failure = reason;
        }
    }

    /// <summary>A failure happened after the service was changed: the rollback must run.</summary>
    public bool NeedsRollback => Failure is not null && ServiceChanged;

    /// <summary>The deploy so far succeeded through deployment (verification may follow).</summary>
    public bool Deployed => Failure is null && Deployment?.Succeeded == true;

    /// <summary>The outcome so far.</summary>
    public DeployOutcome Outcome => this switch
    {
        { Failure: null, Verification.Passed: true } => DeployOutcome.Deployed,
        { Failure: null } => DeployOutcome.Pending,
        { ServiceChanged: false } => DeployOutcome.FailedBeforeChange,
        { RolledBack: true } => DeployOutcome.RolledBack,
        _ => DeployOutcome.RollbackFailed,
    };
}
