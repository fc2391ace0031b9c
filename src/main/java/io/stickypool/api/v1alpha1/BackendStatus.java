package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One backend: a stable identity (not its IP, which pods reuse) and its drain progress. */
public class BackendStatus {
  @JsonPropertyDescription("Stable backend identity: the EndpointSlice targetRef (pod name).")
  private String id;

  @JsonPropertyDescription("Current address as ip:port.")
  private String address;

  @JsonPropertyDescription("Active, Draining, Drained, Unavailable or Removed.")
  private BackendState state;

  @JsonPropertyDescription("Live sessions pinned to this backend: distinct over the proxy replicas that"
      + " answered (a lower bound when some did not, see status.sessionsReportedBy); absent when"
      + " none did.")
  private Long sessions;

  @JsonPropertyDescription("RFC 3339 time after which a draining backend loses its sessions.")
  private String drainDeadline;

  @JsonPropertyDescription("Set when this pool has drained the backend but other pools routing to the same pod"
      + " have not: their names. Until they are done this pool's proxies answer 503 to /drained?backend=,"
      + " so a preStop hook asking them keeps the pod.")
  private List<String> waitingFor;

  public String getId() { return id; }
  public void setId(String id) { this.id = id; }
  public String getAddress() { return address; }
  public void setAddress(String address) { this.address = address; }
  public BackendState getState() { return state; }
  public void setState(BackendState state) { this.state = state; }
  public Long getSessions() { return sessions; }
  public void setSessions(Long sessions) { this.sessions = sessions; }
  public String getDrainDeadline() { return drainDeadline; }
  public void setDrainDeadline(String drainDeadline) { this.drainDeadline = drainDeadline; }
  public List<String> getWaitingFor() { return waitingFor; }
  public void setWaitingFor(List<String> waitingFor) { this.waitingFor = waitingFor; }
}
