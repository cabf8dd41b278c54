using System.Security.Cryptography;

namespace LocalEcs.Model;

internal static class Ids
{
    /// ECS task ids are 32 lowercase hex digits.
    public static string TaskId() => Guid.NewGuid().ToString("N");

    /// ECS deployment ids are "ecs-svc/" followed by 19 digits.
    public static string DeploymentId()
    {
        Span<char> digits = stackalloc char[19];
        digits[0] = (char)('1' + RandomNumberGenerator.GetInt32(9));
        for (var i = 1; i < digits.Length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return "ecs-svc/" + new string(digits);
    }

    public static string EventId() => Guid.NewGuid().ToString();
}
