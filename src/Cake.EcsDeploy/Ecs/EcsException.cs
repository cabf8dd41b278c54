namespace Cake.EcsDeploy.Ecs;

/// <summary>An error ECS answered with (<c>__type</c> and <c>message</c>), or a transport failure reaching it.</summary>
public sealed class EcsException : Exception
{
    /// <summary>Creates the exception for an ECS error response.</summary>
    public EcsException(string operation, string errorType, string ecsMessage, int httpStatus, Exception? inner = null)
        : base($"ECS {operation} failed: {errorType}: {ecsMessage}", inner)
    {
        Operation = operation;
        ErrorType = errorType;
        EcsMessage = ecsMessage;
        HttpStatus = httpStatus;
    }

    /// <summary>The ECS operation, such as <c>UpdateService</c>.</summary>
    public string Operation { get; }

    /// <summary>The error's type without namespace, such as <c>ClusterNotFoundException</c>.</summary>
    public string ErrorType { get; }

    /// <summary>ECS's own message.</summary>
    public string EcsMessage { get; }

    /// <summary>The HTTP status of the response.</summary>
    public int HttpStatus { get; }

    /// <summary>Throttling: the request was not processed and may be sent again.</summary>
    public bool IsThrottling => ErrorType is "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded";

    /// <summary>A server-side failure that may pass on a later attempt.</summary>
    public bool IsServerError => HttpStatus >= 500 || ErrorType is "ServerException" or "ServiceUnavailableException";
}
