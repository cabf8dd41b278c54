namespace LocalEcs.Model;

/// What a task does, decided by its container images (see README "Image behaviours").
internal enum ImageBehaviour
{
    Healthy,
    Crash,
    Unhealthy,
}

internal static class ImageBehaviours
{
    public static ImageBehaviour Of(IEnumerable<string> images)
    {
        var list = images.ToList();
        if (list.Any(i => i.Contains("crash", StringComparison.OrdinalIgnoreCase)))
        {
            return ImageBehaviour.Crash;
        }

        return list.Any(i => i.Contains("unhealthy", StringComparison.OrdinalIgnoreCase))
            ? ImageBehaviour.Unhealthy
            : ImageBehaviour.Healthy;
    }
}
