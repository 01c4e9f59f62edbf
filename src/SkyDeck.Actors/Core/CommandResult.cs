using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

public enum ResultCode { Accepted, NoOp, NotFound, Conflict, Rejected, Unavailable }

/// <summary>
/// The one reply type of every command; the host maps it to HTTP. Sent only after the events are on disk. A successful
/// reply from the experiment carries <see cref="Detail"/>, the experiment as the command left it, so a request needs
/// one Ask, not a second one to read the result back; it is the payload, not the outcome, and takes no part in equality.
/// </summary>
public sealed record CommandResult(ResultCode Code, string? Message = null, ImmutableArray<FieldError> Errors = default)
{
    public ExperimentDetail? Detail { get; init; }

    public bool Equals(CommandResult? other) =>
        other is not null && Code == other.Code && Message == other.Message
        && (Errors.IsDefaultOrEmpty ? other.Errors.IsDefaultOrEmpty : !other.Errors.IsDefault && Errors.SequenceEqual(other.Errors));

    public override int GetHashCode() => HashCode.Combine(Code, Message);

    /// <summary>The same outcome, carrying the experiment as it now is.</summary>
    public CommandResult With(ExperimentDetail detail) => this with { Detail = detail };

    public static readonly CommandResult Accepted = new(ResultCode.Accepted);
    public static readonly CommandResult NoOp = new(ResultCode.NoOp);
    public static readonly CommandResult NotFound = new(ResultCode.NotFound, "experiment not found");

    public static CommandResult Conflict(string message) => new(ResultCode.Conflict, message);

    public static CommandResult Rejected(string message, ImmutableArray<FieldError> errors = default) => new(ResultCode.Rejected, message, errors);

    /// <summary>Nothing was done because SkyDeck cannot write right now (e.g. a full disk); the same request may succeed later.</summary>
    public static CommandResult Unavailable(string message) => new(ResultCode.Unavailable, message);

    public bool IsSuccess => Code is ResultCode.Accepted or ResultCode.NoOp;
}
