namespace Cake.EcsDeploy;

/// <summary>
/// Bad input (an argument, a file, a setting) found before anything in ECS changed. The message says which input
/// and how to fix it.
/// </summary>
public sealed class EcsDeployInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EcsDeployInputException(string message, Exception? inner = null) : base(message, inner) { }
}
