using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// How an experiment's run retries, in SkyPilot's words. <paramref name="MaxRestartsOnErrors"/> null: SkyDeck's
/// default (<c>SKYDECK_MAX_RESTARTS</c>). Only errors of the job itself (user errors, setup and driver failures, outside
/// cancels) spend it; preemptions and capacity errors retry with capped backoff without spending it (unless
/// <paramref name="OnPreemption"/> is never), and exit codes in <paramref name="RecoverOnExitCodes"/> always retry.
/// </summary>
public sealed record RetryPolicy(
    int? MaxRestartsOnErrors = null,
    ImmutableArray<int> RecoverOnExitCodes = default,
    PreemptionPolicy OnPreemption = PreemptionPolicy.Always)
{
    public const int MaxRestartsLimit = 1000;
    public const int MaxExitCodes = 32;
    public const int MinExitCode = 1;
    public const int MaxExitCode = 255;

    public static readonly RetryPolicy Default = new();

    public ImmutableArray<int> RecoverOnExitCodes { get; init; } = RecoverOnExitCodes.IsDefault ? [] : RecoverOnExitCodes;

    public int ResolvedMaxRestarts(int defaultMaxRestarts) => MaxRestartsOnErrors ?? defaultMaxRestarts;

    public bool Recovers(int? exitCode) => exitCode is { } code && RecoverOnExitCodes.Contains(code);

    public bool Equals(RetryPolicy? other) =>
        other is not null && MaxRestartsOnErrors == other.MaxRestartsOnErrors && OnPreemption == other.OnPreemption
        && RecoverOnExitCodes.SequenceEqual(other.RecoverOnExitCodes);

    public override int GetHashCode() => HashCode.Combine(MaxRestartsOnErrors, OnPreemption, RecoverOnExitCodes.Length);

    /// <summary>Problems, each naming its field under <c>retry.</c>.</summary>
    public void Validate(ImmutableArray<FieldError>.Builder errors)
    {
        if (MaxRestartsOnErrors is < 0 or > MaxRestartsLimit)
            errors.Add(new("retry.max_restarts_on_errors", $"must be between 0 and {MaxRestartsLimit}"));
        if (RecoverOnExitCodes.Length > MaxExitCodes)
            errors.Add(new("retry.recover_on_exit_codes", $"at most {MaxExitCodes} exit codes"));
        else if (RecoverOnExitCodes.Any(c => c is < MinExitCode or > MaxExitCode))
            errors.Add(new("retry.recover_on_exit_codes", $"exit codes must be between {MinExitCode} and {MaxExitCode}"));
    }
}
