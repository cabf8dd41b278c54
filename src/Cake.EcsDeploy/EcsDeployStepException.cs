namespace Cake.EcsDeploy;

/// <summary>A deploy step failed (deployment failed or timed out, verification failed, rollback failed).</summary>
public sealed class EcsDeployStepException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EcsDeployStepException(string message, Exception? inner = null) : base(message, inner) { }
}
