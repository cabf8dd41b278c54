using System.Text.RegularExpressions;

namespace Cake.EcsDeploy.TaskDefinitions;

/// <summary>Checks an image reference (<c>[registry[:port]/]name[:tag][@sha256:digest]</c>) before it reaches ECS.</summary>
public static partial class ImageReference
{
    // The reference grammar of the distribution spec (docker/distribution reference), without the domain rules ECS ignores.
    [GeneratedRegex(@"^(?:(?<registry>[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)/)?(?<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$")]
    private static partial Regex Pattern();

    /// <summary>Throws a clear <see cref="EcsDeployInputException"/> when <paramref name="image"/> is not a valid reference.</summary>
    public static void Validate(string? image)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            throw new EcsDeployInputException("--image is empty. Pass the image to deploy, for example --image=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2. Nothing was changed in ECS.");
        }

        if (image.Length > 255 || !Pattern().IsMatch(image))
        {
            throw new EcsDeployInputException(
                $"--image '{image}' is not a valid image reference. Expected [registry/]name[:tag][@sha256:digest] with a lowercase name, " +
                "for example ghcr.io/acme/api:1.4.2. Nothing was changed in ECS.");
        }
    }

    /// <summary>The tag of a reference (<c>1.4.2</c> of <c>ghcr.io/acme/api:1.4.2</c>), or null when it has none.</summary>
    public static string? Tag(string? image) =>
        image is not null && Pattern().Match(image) is { Success: true } match && match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
}
