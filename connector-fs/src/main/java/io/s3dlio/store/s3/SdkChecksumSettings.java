package io.s3dlio.store.s3;

import java.util.Optional;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.profiles.ProfileProperty;

/**
 * The AWS SDK's standard checksum settings, read the way the SDK reads them: the system property
 * ({@code aws.requestChecksumCalculation}, {@code aws.responseChecksumValidation}), then the
 * environment variable ({@code AWS_REQUEST_CHECKSUM_CALCULATION},
 * {@code AWS_RESPONSE_CHECKSUM_VALIDATION}), then the AWS config profile
 * ({@code request_checksum_calculation}, {@code response_checksum_validation}). The store passes
 * its checksum mode to the SDK explicitly (it also decides whether to ask for CRC32C per request),
 * so it must resolve these itself rather than let the SDK default over them.
 */
final class SdkChecksumSettings {
  private final String profileName;

  /** Settings of {@code profileName} (null: {@code aws.profile} / {@code AWS_PROFILE} / default). */
  SdkChecksumSettings(String profileName) {
    this.profileName = profileName;
  }

  Optional<S3StoreConfig.ChecksumMode> requestChecksumCalculation() {
    return resolve(SdkSystemSetting.AWS_REQUEST_CHECKSUM_CALCULATION, ProfileProperty.REQUEST_CHECKSUM_CALCULATION);
  }

  Optional<S3StoreConfig.ChecksumMode> responseChecksumValidation() {
    return resolve(SdkSystemSetting.AWS_RESPONSE_CHECKSUM_VALIDATION, ProfileProperty.RESPONSE_CHECKSUM_VALIDATION);
  }

  private Optional<S3StoreConfig.ChecksumMode> resolve(SdkSystemSetting setting, String profileProperty) {
    Optional<String> v = setting.getStringValue().filter(s -> !s.isBlank());
    String source = setting.property() + " / " + setting.environmentVariable();
    if (v.isEmpty()) {
      v = profileValue(profileProperty);
      source = "AWS config profile property " + profileProperty;
    }
    String from = source;
    return v.map(s -> S3StoreConfig.ChecksumMode.parse(from, s));
  }

  private Optional<String> profileValue(String property) {
    try {
      String name = profileName != null ? profileName
          : ProfileFileSystemSetting.AWS_PROFILE.getStringValue().orElse("default");
      return ProfileFile.defaultProfileFile().profile(name).flatMap(p -> p.property(property));
    } catch (RuntimeException e) {
      // an unreadable profile file is the credential chain's business to report, not ours
      return Optional.empty();
    }
  }
}
