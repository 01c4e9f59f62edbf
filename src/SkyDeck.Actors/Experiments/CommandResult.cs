using System.Collections.Immutable;

namespace SkyDeck.Actors.Experiments;

public enum ResultCode { Accepted, NoOp, NotFound, Conflict, Rejected, Unavailable }

/// <summary>The one reply type of every command; the host maps it to HTTP. Sent only after the events are on disk.</summary>
public sealed record CommandResult(ResultCode Code, string? Message = null, ImmutableArray<FieldError> Errors = default)
{
    public static readonly CommandResult Accepted = new(ResultCode.Accepted);
    public static readonly CommandResult NoOp = new(ResultCode.NoOp);
    public static readonly CommandResult NotFound = new(ResultCode.NotFound, "experiment not found");

    public static CommandResult Conflict(string message) => new(ResultCode.Conflict, message);

    public static CommandResult Rejected(string message, ImmutableArray<FieldError> errors = default) => new(ResultCode.Rejected, message, errors);

    /// <summary>Nothing was done because SkyDeck cannot write right now (e.g. a full disk); the same request may succeed later.</summary>
    public static CommandResult Unavailable(string message) => new(ResultCode.Unavailable, message);

    public bool IsSuccess => Code is ResultCode.Accepted or ResultCode.NoOp;
}
