package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A discriminated union like Gateway API's SessionPersistence (GEP-1619): {@code type} picks the
 * member and only that member may be set. Header and AppCookie need a name, so their member is
 * required; Cookie and ClientIP have defaults for everything. The rules guard every field with
 * {@code has()} although {@code type} is defaulted: the API server checks them against the
 * schema's own default ({@code {}}) without filling that in first, and refuses the whole CRD if a
 * rule cannot be evaluated there. An absent type reads as its default, Cookie.
 */
@ValidationRule(value = "!has(self.type) || self.type != 'Header' || has(self.header)",
    message = "header must be set when type is Header")
@ValidationRule(value = "!has(self.header) || (has(self.type) && self.type == 'Header')",
    message = "header may be set only when type is Header")
@ValidationRule(value = "!has(self.type) || self.type != 'AppCookie' || has(self.appCookie)",
    message = "appCookie must be set when type is AppCookie")
@ValidationRule(value = "!has(self.appCookie) || (has(self.type) && self.type == 'AppCookie')",
    message = "appCookie may be set only when type is AppCookie")
@ValidationRule(value = "!has(self.cookie) || !has(self.type) || self.type == 'Cookie'",
    message = "cookie may be set only when type is Cookie")
@ValidationRule(value = "!has(self.clientIP) || (has(self.type) && self.type == 'ClientIP')",
    message = "clientIP may be set only when type is ClientIP")
public class Affinity {
  @Default("Cookie")
  @JsonPropertyDescription("Which client attribute binds a session: Cookie, Header, ClientIP or"
      + " AppCookie. Only the matching block below may be set.")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private AffinityType type;

  @JsonPropertyDescription("Settings of the proxy-issued cookie; for type Cookie.")
  private CookieAffinity cookie;

  @JsonPropertyDescription("The session header; required for type Header.")
  private HeaderAffinity header;

  @JsonPropertyDescription("The application cookie to follow; required for type AppCookie.")
  private AppCookieAffinity appCookie;

  @JsonPropertyDescription("Which proxies may set X-Forwarded-For; for type ClientIP.")
  private ClientIPAffinity clientIP;

  public AffinityType getType() { return type; }
  public void setType(AffinityType type) { this.type = type; }
  public CookieAffinity getCookie() { return cookie; }
  public void setCookie(CookieAffinity cookie) { this.cookie = cookie; }
  public HeaderAffinity getHeader() { return header; }
  public void setHeader(HeaderAffinity header) { this.header = header; }
  public AppCookieAffinity getAppCookie() { return appCookie; }
  public void setAppCookie(AppCookieAffinity appCookie) { this.appCookie = appCookie; }
  public ClientIPAffinity getClientIP() { return clientIP; }
  public void setClientIP(ClientIPAffinity clientIP) { this.clientIP = clientIP; }
}
