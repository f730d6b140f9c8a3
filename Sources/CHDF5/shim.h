#ifndef SAFEMCP_CHDF5_SHIM_H
#define SAFEMCP_CHDF5_SHIM_H
#include <hdf5.h>

/* Swift's importer drops these macros or gives them the wrong type: they are casts
   ((hid_t)0) or expand to calls (H5OPEN, H5CHECK) that it does not evaluate. Each is
   wrapped in a function so Swift sees the value the C library really uses. */
static inline hid_t safemcp_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t safemcp_H5S_ALL(void) { return H5S_ALL; }
static inline unsigned safemcp_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned safemcp_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned safemcp_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned safemcp_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline hid_t safemcp_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t safemcp_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t safemcp_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t safemcp_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t safemcp_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t safemcp_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t safemcp_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t safemcp_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t safemcp_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t safemcp_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t safemcp_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t safemcp_H5T_C_S1(void) { return H5T_C_S1; }
static inline hsize_t safemcp_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline hid_t safemcp_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline size_t safemcp_H5T_VARIABLE(void) { return H5T_VARIABLE; }

#endif
