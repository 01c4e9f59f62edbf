namespace SkyDeck.Actors;

/// <summary>Marks everything SkyDeck writes to the journal or snapshot store; bound to <see cref="Serialization.SkyDeckJsonSerializer"/>.</summary>
public interface ISkyDeckJournaled;
