namespace LocalEcs.Api;

/// An error ECS would return: serialized as {"__type": Type, "message": Message} with the given HTTP status.
internal sealed class EcsException(string type, string message, int statusCode = 400) : Exception(message)
{
    public string Type { get; } = type;
    public int StatusCode { get; } = statusCode;

    public static EcsException ClusterNotFound() => new("ClusterNotFoundException", "Cluster not found.");
    public static EcsException ServiceNotFound() => new("ServiceNotFoundException", "Service not found.");
    public static EcsException ServiceNotActive() => new("ServiceNotActiveException", "Service was not ACTIVE.");
    public static EcsException InvalidParameter(string message) => new("InvalidParameterException", message);
    public static EcsException Client(string message) => new("ClientException", message);
}
