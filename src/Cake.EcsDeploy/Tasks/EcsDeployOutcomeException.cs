namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// The end of a run that did not deploy, carrying the outcome and its exit code (see <see cref="DeployOutcomes.ExitCode"/>).
/// Cake's <c>RunTarget</c> wraps it and exits with 1; <see cref="EcsDeployTasks.RunTarget"/> unwraps it so the
/// process exits with the outcome's code.
/// </summary>
public sealed class EcsDeployOutcomeException(DeployOutcome outcome, string message) : Exception(message)
{
    /// <summary>How the run ended.</summary>
    public DeployOutcome Outcome { get; } = outcome;

    /// <summary>The process exit code for <see cref="Outcome"/>.</summary>
    public int ExitCode => DeployOutcomes.ExitCode(Outcome);
}
